//! A 32 KiB shadow stack instead of rustc's default 1 MiB, so the guest's own memory (stack and
//! static data) fits in one 64 KiB page and a memory can start at 1 page.

fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=-zstack-size=32768");
    }
}
