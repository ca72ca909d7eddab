//! Decoding QR codes of event documents: the crate `knd-qr` (`app/qr`). On the server and in
//! tests it is linked in; the browser loads it as a wasm module of its own (`ui::scan`), only
//! when it has no `BarcodeDetector` of its own.

#[cfg(not(target_arch = "wasm32"))]
pub use knd_qr::{decode_luma, decode_rgba};
