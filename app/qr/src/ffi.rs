//! The wasm module's interface, without wasm-bindgen (no JavaScript glue to load, no imports):
//! the caller asks for an input buffer (`qr_input`), writes the RGBA frame into the module's
//! memory there, calls `qr_decode_rgba`, and reads the text's UTF-8 bytes at `qr_output`.
//! One frame at a time: the module runs on the page's single thread.
#![allow(unsafe_code)] // `#[no_mangle]` only: every function body is safe code.

use std::cell::RefCell;

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A buffer of `len` bytes for the next frame; its address in the module's memory.
#[no_mangle]
pub extern "C" fn qr_input(len: usize) -> usize {
    INPUT.with_borrow_mut(|input| {
        input.clear();
        input.resize(len, 0);
        input.as_mut_ptr() as usize
    })
}

/// Decodes the frame in the input buffer: the length of the text at `qr_output`, or -1 when
/// no code was read (or the buffer is not `width * height * 4` bytes).
#[no_mangle]
pub extern "C" fn qr_decode_rgba(width: u32, height: u32) -> i32 {
    let text = INPUT.with_borrow(|input| crate::decode_rgba(width, height, input));
    OUTPUT.with_borrow_mut(|output| {
        output.clear();
        match text {
            Some(text) => {
                output.extend_from_slice(text.as_bytes());
                i32::try_from(output.len()).unwrap_or(-1)
            }
            None => -1,
        }
    })
}

/// The address of the last decoded text.
#[no_mangle]
pub extern "C" fn qr_output() -> usize {
    OUTPUT.with_borrow(|output| output.as_ptr() as usize)
}
