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

    let part = |name: &str| -> u32 {
        let value = std::env::var(format!("CARGO_PKG_VERSION_{name}")).expect("set by cargo");
        value.parse().expect("a version part is a number")
    };
    let (major, minor, patch) = (part("MAJOR"), part("MINOR"), part("PATCH"));
    assert!(
        minor < 256 && patch < 256,
        "TWIN_VERSION_NUMBER keeps 8 bits for minor and patch"
    );
    let version_macros = format!(
        "/** The version of this header, the same as twin_version() of the library it came with. */\n\
         #define TWIN_VERSION_MAJOR {major}\n#define TWIN_VERSION_MINOR {minor}\n\
         #define TWIN_VERSION_PATCH {patch}\n#define TWIN_VERSION_STRING \"{version}\"\n\
         /**\n * The version as one number, 0xMMmmpp (major, minor and patch, 8 bits each), as\n \
         * twin_version_number() gives it at run time: compare versions as numbers, not strings.\n \
         */\n#define TWIN_VERSION_NUMBER 0x{number:06x}\n\
         /**\n * True (at compile time) when this header is version major.minor.patch or later:\n \
         * `#if TWIN_VERSION_AT_LEAST(0, 2, 0)`. At run time, compare twin_version_number().\n \
         */\n#define TWIN_VERSION_AT_LEAST(major, minor, patch) \\\n  \
         (TWIN_VERSION_NUMBER >= (((major) << 16) | ((minor) << 8) | (patch)))\n",
        version = std::env::var("CARGO_PKG_VERSION").expect("set by cargo"),
        number = (major << 16) | (minor << 8) | patch,
    );

    let config =
        cbindgen::Config::from_file(&config_path).expect("bindings-c/cbindgen.toml is valid");
    // The version macros follow cbindgen.toml's own `after_includes` (TWIN_NODISCARD).
    let after_includes = format!(
        "{}\n{version_macros}",
        config.after_includes.as_deref().unwrap_or_default()
    );
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_crate(&crate_dir)
        .with_after_include(after_includes)
        .generate()
        .expect("cbindgen can read the crate");

    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let current = std::fs::read(&header).unwrap_or_default();
    if current != generated {
        std::fs::write(&header, &generated).expect("include/twin.h is writable");
    }
}
