//! A Rust static library independent of libtwin, for tests/c/test_install.py: it carries its
//! own copy of std (formatting, hash maps, panics), as any Rust library a C program links does.

use std::collections::HashMap;

/// 42, computed through std.
#[unsafe(no_mangle)]
pub extern "C" fn other_answer() -> i32 {
    let mut values = HashMap::new();
    values.insert(format!("k{}", 2), 2);
    let forty = std::panic::catch_unwind(|| 40).unwrap_or(0);
    forty + values["k2"]
}
