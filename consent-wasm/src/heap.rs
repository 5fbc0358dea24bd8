//! The banner's allocator: a bump arena. Blocks are bumped from pages grown with `memory.grow`;
//! freeing the newest block takes it back (strings and vectors mostly grow and die last-in,
//! first-out), and growing the newest block happens in place. Everything allocated after
//! [`mark`] (called once start-up is done) is counted; when the count drops to zero — at the end
//! of every click or API call, since nothing of a call outlives it — the arena returns to the
//! mark, so memory stays bounded however often the visitor opens, closes and chooses. Should a
//! block from a call live on (nothing in the banner keeps one), the arena merely stops resetting.
//! A few hundred bytes of wasm less than a size-class allocator, and far less than dlmalloc.
//! Single-threaded (wasm32 without atomics), alignment up to 16.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;

const MAX_ALIGN: usize = 16;
const PAGE: usize = 65536;

struct Arena {
    /// Next free byte (0 before the first page).
    next: usize,
    /// End of the grown memory.
    end: usize,
    /// Where the arena returns to when nothing after it is alive (0 until [`mark`]).
    mark: usize,
    /// Live blocks at or above `mark`.
    live: usize,
}

struct Shared(UnsafeCell<Arena>);
// SAFETY: wasm32-unknown-unknown without atomics runs one thread.
unsafe impl Sync for Shared {}

static ARENA: Shared = Shared(UnsafeCell::new(Arena {
    next: 0,
    end: 0,
    mark: usize::MAX,
    live: 0,
}));

fn arena() -> &'static mut Arena {
    // SAFETY: single thread, and no caller holds the reference across another allocation.
    unsafe { &mut *ARENA.0.get() }
}

/// Marks the end of start-up: what is allocated up to here may live for good; what comes after
/// is reclaimed whenever all of it is freed.
pub fn mark() {
    let a = arena();
    a.mark = a.next;
    a.live = 0;
}

/// Whether the newest block may shrink or grow in place: never one that starts below the mark
/// once it is set (the arena returns to the mark, so nothing there may reach above it).
fn movable(a: &Arena, p: usize) -> bool {
    p >= a.mark || a.mark == usize::MAX
}

/// No memory left (or an alignment the arena does not give): the call into the banner ends
/// here, with a trap, rather than in `alloc`'s allocation-error handler (the allocator never
/// returns null; [`crate::buf`] relies on that too).
#[cfg(target_arch = "wasm32")]
pub fn out_of_memory() -> ! {
    core::arch::wasm32::unreachable()
}

#[cfg(not(target_arch = "wasm32"))]
pub fn out_of_memory() -> ! {
    panic!("out of memory")
}

/// The banner's global allocator.
pub struct Heap;

#[cfg(target_arch = "wasm32")]
fn grow(bytes: usize) -> usize {
    core::arch::wasm32::memory_grow(0, bytes.div_ceil(PAGE))
}

#[cfg(not(target_arch = "wasm32"))]
fn grow(_: usize) -> usize {
    usize::MAX
}

unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() > MAX_ALIGN {
            out_of_memory();
        }
        let a = arena();
        let size = layout.size();
        let mut start = (a.next + MAX_ALIGN - 1) & !(MAX_ALIGN - 1);
        if a.next == 0 || start + size > a.end {
            let want = size + MAX_ALIGN;
            let old = grow(want);
            if old == usize::MAX {
                out_of_memory();
            }
            let base = old * PAGE;
            if base != a.end {
                a.next = base;
            }
            a.end = base + want.div_ceil(PAGE) * PAGE;
            start = (a.next + MAX_ALIGN - 1) & !(MAX_ALIGN - 1);
        }
        a.next = start + size;
        if start >= a.mark {
            a.live += 1;
        }
        start as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let a = arena();
        let p = ptr as usize;
        if p + layout.size() == a.next && movable(a, p) {
            a.next = p;
        }
        if p >= a.mark {
            a.live -= 1;
            if a.live == 0 {
                a.next = a.mark;
            }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let a = arena();
        let p = ptr as usize;
        if p + layout.size() == a.next && p + new_size <= a.end && movable(a, p) {
            a.next = p + new_size;
            return ptr;
        }
        // Never null: `alloc` ends the call instead (see `out_of_memory`).
        let new = self.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
        core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
        self.dealloc(ptr, layout);
        new
    }
}
