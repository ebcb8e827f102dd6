//! Giving the system back the memory a long batch has freed.
//!
//! glibc's malloc returns freed memory to the system only from the top of each heap. A batch's
//! workers free what every letter used, and the font subsets their cache lets go of, between
//! blocks that stay: the pages in between stay resident. A 10,000-letter batch held 3 MiB
//! more at its end than at its thousandth letter with the same data live. `malloc_trim(0)`
//! gives back every whole free page of every heap; called every `EVERY` letters it costs no
//! time we could measure (paired runs of 1,000 letters) and keeps the batch's memory flat.
//!
//! Why by hand: it is one glibc call, and no maintained crate offers it as a safe function
//! (the `libc` crate declares it unsafe, as it does every foreign function). Declared here as
//! safe to call, it is the crate's one `unsafe` item: the `extern` block. Elsewhere than glibc
//! (musl, macOS, Windows) it does nothing: those allocators give memory back themselves or
//! have no such call.

/// Letters between trims. Each trim walks the free memory of every heap, locking one heap at a
/// time: after every letter it would cost more than it gives.
const EVERY: usize = 64;

/// Before the letter at `index` (counted from 0) of a batch: every `EVERY` letters, returns
/// the free pages of the process's heaps to the system.
pub(super) fn before_letter(index: usize) {
    if index % EVERY == EVERY - 1 {
        trim();
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim() {
    malloc_trim(0);
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[expect(unsafe_code, reason = "the declaration of a glibc function")]
// SAFETY: `malloc_trim` takes no pointers and may be called from any thread at any time (glibc
// locks each heap while it works on it); it gives back only memory already freed.
unsafe extern "C" {
    /// glibc: `int malloc_trim(size_t pad)`.
    safe fn malloc_trim(pad: usize) -> core::ffi::c_int;
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}
