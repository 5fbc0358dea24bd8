//! Growable text buffers for building markup, cookies and the consent record.
//!
//! `alloc`'s `String` and `Vec` grow through `RawVec` (amortised growth, capacity-overflow and
//! allocation-error paths, each with its panic message): about half a kilobyte of gzip for what
//! the banner does with them, appending text. [`Buf`] appends with one small growth function on
//! the global allocator, which in the banner's bump arena ([`crate::heap`]) grows the newest block
//! in place. [`Pieces`] keeps a list of texts in one buffer.

use alloc::alloc::{alloc, dealloc, realloc, Layout};
use core::ptr::NonNull;

/// Bytes on the heap: the storage under [`Buf`] and [`Pieces`].
struct Raw {
    ptr: NonNull<u8>,
    len: usize,
    cap: usize,
}

impl Raw {
    const fn new() -> Raw {
        Raw {
            ptr: NonNull::dangling(),
            len: 0,
            cap: 0,
        }
    }

    #[inline(never)]
    fn add(&mut self, bytes: &[u8]) {
        let need = self.len + bytes.len();
        if need > self.cap {
            self.grow(need);
        }
        // SAFETY: `cap >= need`, so `len..need` lies in the allocation; `bytes` is not in it.
        unsafe {
            core::ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                self.ptr.as_ptr().add(self.len),
                bytes.len(),
            );
        }
        self.len = need;
    }

    fn grow(&mut self, need: usize) {
        let cap = need.max(self.cap * 2).max(64);
        // SAFETY: sizes are non-zero and far below `isize::MAX`, alignment 1; `ptr` was allocated
        // with `self.cap` when that is non-zero.
        let new = unsafe {
            if self.cap == 0 {
                alloc(Layout::from_size_align_unchecked(cap, 1))
            } else {
                realloc(
                    self.ptr.as_ptr(),
                    Layout::from_size_align_unchecked(self.cap, 1),
                    cap,
                )
            }
        };
        self.ptr = NonNull::new(new).unwrap_or_else(|| crate::heap::out_of_memory());
        self.cap = cap;
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: `len` bytes from `ptr` are initialised (dangling with `len` 0 is fine).
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        if self.cap != 0 {
            // SAFETY: allocated by `grow` with this size and alignment.
            unsafe {
                dealloc(
                    self.ptr.as_ptr(),
                    Layout::from_size_align_unchecked(self.cap, 1),
                )
            }
        }
    }
}

/// A growable string (always valid UTF-8).
pub struct Buf(Raw);

impl Buf {
    /// Empty.
    pub const fn new() -> Buf {
        Buf(Raw::new())
    }

    /// A copy of `s`.
    pub fn from(s: &str) -> Buf {
        let mut b = Buf::new();
        b.add(s);
        b
    }

    /// Appends `s`.
    pub fn add(&mut self, s: &str) -> &mut Buf {
        self.0.add(s.as_bytes());
        self
    }

    /// Appends an ASCII byte (others are masked to ASCII).
    pub fn byte(&mut self, b: u8) -> &mut Buf {
        self.0.add(&[b & 0x7f]);
        self
    }

    /// Appends `v` in decimal.
    pub fn decimal(&mut self, v: u64) -> &mut Buf {
        if v >= 10 {
            self.decimal(v / 10);
        }
        self.byte(b'0' + (v % 10) as u8)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // SAFETY: only whole `&str`s and ASCII bytes are ever appended.
        unsafe { core::str::from_utf8_unchecked(self.0.bytes()) }
    }
}

impl Default for Buf {
    fn default() -> Buf {
        Buf::new()
    }
}

impl core::ops::Deref for Buf {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

/// A list of texts in one buffer, each followed by `0xFF` (a byte UTF-8 never contains).
#[derive(Default)]
pub struct Pieces(Buf);

impl Pieces {
    /// Appends a text.
    pub fn push(&mut self, s: &str) {
        (self.0).0.add(s.as_bytes());
        (self.0).0.add(&[0xff]);
    }

    /// The texts, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (self.0)
            .0
            .bytes()
            .split_inclusive(|&b| b == 0xff)
            .map(|piece| {
                let text = piece.get(..piece.len() - 1).unwrap_or_default();
                // SAFETY: each piece is a whole `&str` pushed above, then 0xFF, which UTF-8 never
                // contains.
                unsafe { core::str::from_utf8_unchecked(text) }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn grows_and_keeps_texts_apart() {
        let mut b = Buf::from("kapsel");
        for _ in 0..40 {
            b.add("_ø");
        }
        b.byte(b'=').decimal(0).byte(b' ').decimal(1_764_000_000);
        assert_eq!(b.len(), 6 + 40 * 3 + 13);
        assert!(b.starts_with("kapsel_ø_ø") && b.ends_with("=0 1764000000"));

        let mut p = Pieces::default();
        for s in ["a", "", "blå", "<b>x</b>"] {
            p.push(s);
        }
        assert_eq!(
            p.iter().collect::<alloc::vec::Vec<_>>(),
            ["a", "", "blå", "<b>x</b>"]
        );
        assert_eq!(Pieces::default().iter().count(), 0);
    }
}
