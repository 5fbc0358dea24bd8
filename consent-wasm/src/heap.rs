//! A size-class allocator for the banner: blocks are powers of two from 8 bytes up, freed blocks go
//! on a free list per size and are reused; new blocks are bumped from pages grown with
//! `memory.grow`. A few hundred bytes of wasm instead of dlmalloc's seven kilobytes. Single-threaded
//! (wasm32 without atomics), alignment up to 16.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;

const CLASSES: usize = 24;
const MAX_ALIGN: usize = 16;

struct Lists {
    free: [usize; CLASSES],
    next: usize,
    end: usize,
}

struct Shared(UnsafeCell<Lists>);
// SAFETY: wasm32-unknown-unknown without atomics runs one thread.
unsafe impl Sync for Shared {}

static LISTS: Shared = Shared(UnsafeCell::new(Lists {
    free: [0; CLASSES],
    next: 0,
    end: 0,
}));

/// The banner's global allocator.
pub struct Heap;

/// The size class (index, block size) of a layout, or `None` when it is too big or over-aligned.
fn class(layout: Layout) -> Option<(usize, usize)> {
    if layout.align() > MAX_ALIGN {
        return None;
    }
    let size = layout.size().max(8).checked_next_power_of_two()?;
    let index = size.trailing_zeros() as usize - 3;
    if index < CLASSES {
        Some((index, size))
    } else {
        None
    }
}

#[cfg(target_arch = "wasm32")]
fn grow(bytes: usize) -> Option<usize> {
    let pages = bytes.div_ceil(65536);
    let old = core::arch::wasm32::memory_grow(0, pages);
    if old == usize::MAX {
        None
    } else {
        Some(old * 65536)
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn grow(_: usize) -> Option<usize> {
    None
}

unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some((index, size)) = class(layout) else {
            return core::ptr::null_mut();
        };
        let lists = &mut *LISTS.0.get();
        let Some(free) = lists.free.get_mut(index) else {
            return core::ptr::null_mut();
        };
        let head = *free;
        if head != 0 {
            *free = *(head as *const usize);
            return head as *mut u8;
        }
        let align = size.min(MAX_ALIGN);
        let mut start = (lists.next + align - 1) & !(align - 1);
        if lists.next == 0 || start + size > lists.end {
            let want = (size + MAX_ALIGN).max(65536);
            let Some(base) = grow(want) else {
                return core::ptr::null_mut();
            };
            if base != lists.end {
                lists.next = base;
            }
            lists.end = base + want.div_ceil(65536) * 65536;
            start = (lists.next + align - 1) & !(align - 1);
        }
        lists.next = start + size;
        start as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let lists = &mut *LISTS.0.get();
        if let Some(free) = class(layout).and_then(|(index, _)| lists.free.get_mut(index)) {
            *(ptr as *mut usize) = *free;
            *free = ptr as usize;
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        if class(layout).map(|c| c.0) == class(new_layout).map(|c| c.0) {
            return ptr;
        }
        let new = self.alloc(new_layout);
        if !new.is_null() {
            core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            self.dealloc(ptr, layout);
        }
        new
    }
}
