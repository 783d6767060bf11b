//! Generates `include/twin.h` from this crate's exported items with cbindgen (configured by
//! `cbindgen.toml`), adding the version macros from Cargo's version. The header is committed;
//! it is rewritten only when its content changes, so an unchanged build touches nothing.

use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let header = crate_dir.join("../include/twin.h");
    let config_path = crate_dir.join("cbindgen.toml");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=../include/twin.h");

    let version =
        |part: &str| std::env::var(format!("CARGO_PKG_VERSION_{part}")).expect("set by cargo");
    let version_macros = format!(
        "/** The version of this header, the same as twin_version() of the library it came with. */\n\
         #define TWIN_VERSION_MAJOR {}\n#define TWIN_VERSION_MINOR {}\n#define TWIN_VERSION_PATCH {}\n\
         #define TWIN_VERSION_STRING \"{}\"\n",
        version("MAJOR"),
        version("MINOR"),
        version("PATCH"),
        std::env::var("CARGO_PKG_VERSION").expect("set by cargo"),
    );

    let config =
        cbindgen::Config::from_file(&config_path).expect("bindings-c/cbindgen.toml is valid");
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_crate(&crate_dir)
        .with_after_include(version_macros)
        .generate()
        .expect("cbindgen can read the crate");

    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let current = std::fs::read(&header).unwrap_or_default();
    if current != generated {
        std::fs::write(&header, &generated).expect("include/twin.h is writable");
    }
}
