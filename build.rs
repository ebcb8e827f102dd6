//! Links the release binary as a position-dependent executable: a PIE has some 17,000
//! relocations for the loader to apply at every start, a third of a one-letter run. Test
//! and debug builds are left as the toolchain makes them.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PROFILE");
    if std::env::var("PROFILE").as_deref() == Ok("release")
        && std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
    {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
