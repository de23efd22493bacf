//! How the run's memory is paged: in small pages; freed memory handed back to the OS
//! after mimalloc's delay, and at once while the read tables that scoring no longer
//! needs are freed; and records asked into the cache before they are read.

/// mimalloc's `mi_option_purge_delay` (v3 `mi_option_e` index; not exported by the -sys crate).
pub const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// While alive, memory freed is handed back to the OS at once (mimalloc's purge delay
/// 0); dropped, the delay it replaced is restored. Start and drop it where no other
/// thread is allocating (between parallel stages): the option is a plain variable.
/// Not to be nested or overlapped (two at once could restore out of order).
///
/// Why: the merge of a portfolio's rows sorts on side tables of 32 bytes a row, and
/// the id and publication lookups take 48 more until the side tables are attached.
/// Kept by the allocator, their pages stay in the resident set beside the decisions
/// made next, which need one contiguous block they cannot reuse: 0.2 GB at 5M
/// patents. Elsewhere a run frees and re-allocates buffers continually, which the
/// delay keeps from being handed back and faulted in again.
///
/// Harmless when mimalloc is not the global allocator: only its own unused heap is
/// affected.
pub struct PromptRelease {
    replaced: std::os::raw::c_long,
}

impl PromptRelease {
    /// Hand freed memory back at once until dropped.
    pub fn start() -> PromptRelease {
        // SAFETY: plain option accessors of the allocator; see the type's docs on threads.
        let replaced = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
        PromptRelease { replaced }
    }
}

impl Drop for PromptRelease {
    fn drop(&mut self) {
        // SAFETY: as in `start`; the collection hands back what is still pending.
        unsafe {
            libmimalloc_sys::mi_collect(true);
            libmimalloc_sys::mi_option_set(PURGE_DELAY, self.replaced);
        }
    }
}

/// Hand back to the OS at once the memory freed so far and kept for reuse: where a
/// stage has ended whose buffers the next stages will not reuse.
pub fn release_freed() {
    drop(PromptRelease::start());
}

/// Have the kernel back the run's memory with ordinary 4 KiB pages, not transparent
/// huge pages (2 MiB), unless `MIMALLOC_ALLOW_THP` is set (mimalloc's own switch, read
/// when it starts; `1` keeps them). Call before any threads start.
///
/// Why: mimalloc asks for huge pages for its arenas, and on a machine short of free
/// 2 MiB blocks (a VM whose host takes back freed memory) each huge page is assembled at
/// the fault by compacting memory: most of a run's system time. Measured on the
/// benchmark machine (2-core VM, runs 3 s apart, medians): 1M same job 3.38 -> 2.90 s,
/// system CPU 1.61 -> 0.60 s; 5M 15.2 -> 12.3 s; peak RSS a little lower.
pub fn use_small_pages() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // Only a hint to the kernel: when it is refused the run is the same, only slower.
        let _ = rustix::thread::disable_transparent_huge_pages(true);
    }
}

/// Ask the CPU to load `value` into its cache now, as a hint: for records read one
/// after another whose memory lies apart (each patent its own allocation), asked for a
/// few records before their turn. Nothing else happens; without the instruction
/// (not x86-64), nothing at all.
#[inline(always)]
pub fn prefetch<T: ?Sized>(value: &T) {
    prefetch_address((value as *const T).cast::<u8>());
}

/// [`prefetch`] the cache line of an address (which need not be a live reference's).
#[inline(always)]
fn prefetch_address(address: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch only hints the cache; it neither reads into the program nor
    // faults, whatever the address.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(address.cast::<i8>())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = address;
}

/// Holders a record's prefetches reach: most patents have one to three.
const NAMES_AHEAD: usize = 4;

/// For a pass that reads the records' shared texts (holders, status) at item `k`:
/// [`prefetch_ahead`], then the shared copies of the item two places on (its lists
/// in the cache by then), then the texts of the next item (its copies in the cache).
#[inline(always)]
pub fn prefetch_ahead_with_names<T>(
    items: &[T],
    k: usize,
    patent: impl Fn(&T) -> Option<&crate::rules::model::Patent>,
) {
    prefetch_ahead(items, k, &patent);
    if let Some(p) = items.get(k + 2).and_then(&patent) {
        shared_names(p).for_each(|name| prefetch_address(name.address() as *const u8));
    }
    if let Some(p) = items.get(k + 1).and_then(&patent) {
        shared_names(p).for_each(|name| prefetch(&**name));
    }
}

/// A record's status and its first [`NAMES_AHEAD`] holders.
#[inline(always)]
fn shared_names(p: &crate::rules::model::Patent) -> impl Iterator<Item = &crate::rules::model::Name> {
    std::iter::once(&p.status).chain(p.holders.iter().take(NAMES_AHEAD))
}

/// For a pass over `items` at item `k`: [`prefetch`] the patent record of the item
/// eight places on, the lists that of the item four places on points to (by then
/// in the cache itself), and those its extras point to two places on, so that each
/// is loaded by its turn.
#[inline(always)]
pub fn prefetch_ahead<T>(items: &[T], k: usize, patent: impl Fn(&T) -> Option<&crate::rules::model::Patent>) {
    prefetch_ahead_by(k, |j| items.get(j).and_then(&patent));
}

/// [`prefetch_ahead`] for a pass whose item `j` names its patent by `patent_at(j)`
/// (a position among records the pass also changes).
#[inline(always)]
pub fn prefetch_ahead_by<'p>(k: usize, patent_at: impl Fn(usize) -> Option<&'p crate::rules::model::Patent>) {
    if let Some(p) = patent_at(k + 8) {
        prefetch_whole(p);
    }
    if let Some(p) = patent_at(k + 4) {
        prefetch_lists(p);
    }
    if let Some(p) = patent_at(k + 2) {
        prefetch_extras_lists(p);
    }
}

/// The bytes the CPU loads into its cache at a time.
const CACHE_LINE: usize = 64;

/// [`prefetch`] every cache line `value` spans: a record of 128 bytes spans two, and
/// a prefetch of its address loads only the first (when records were 160 bytes,
/// rendering a patent waited on its kind, 147 bytes in, for a fifth of its own time).
#[inline(always)]
fn prefetch_whole<T>(value: &T) {
    let start = (value as *const T).cast::<u8>();
    let size = std::mem::size_of::<T>();
    for offset in (0..size).step_by(CACHE_LINE) {
        prefetch_address(start.wrapping_add(offset));
    }
    prefetch_address(start.wrapping_add(size.saturating_sub(1)));
}

/// [`prefetch`] the lists a patent's record points to: its title, IPC codes,
/// holders and (when it has them) extras.
#[inline(always)]
fn prefetch_lists(p: &crate::rules::model::Patent) {
    prefetch(p.texts.as_str());
    prefetch(&*p.ipc);
    prefetch(&*p.holders);
    if let Some(extras) = &p.extras {
        prefetch_whole(&**extras);
    }
}

/// [`prefetch`] the lists a patent's extras point to (its extras in the cache).
#[inline(always)]
fn prefetch_extras_lists(p: &crate::rules::model::Patent) {
    if let Some(extras) = &p.extras {
        prefetch_filled(&extras.applicants);
        prefetch_filled(&extras.family);
        prefetch_filled(&extras.pledges);
        prefetch_filled(&extras.awards);
        prefetch_filled(&extras.events);
    }
}

/// [`prefetch`] a list's first items unless it is empty (its address then points nowhere).
#[inline(always)]
fn prefetch_filled<T>(list: &[T]) {
    if !list.is_empty() {
        prefetch(list);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The process is marked for small pages (unless mimalloc's switch is set).
    #[test]
    #[cfg(target_os = "linux")]
    fn small_pages_are_asked_for() {
        if std::env::var_os("MIMALLOC_ALLOW_THP").is_some() {
            eprintln!("skipped: MIMALLOC_ALLOW_THP is set");
            return;
        }
        use_small_pages();
        assert_eq!(rustix::thread::transparent_huge_pages_are_disabled().ok(), Some(true));
    }

    /// The option index is the pinned mimalloc's (v3) purge delay: it defaults to
    /// 1000 ms (`src/options.c`), its neighbours to 1 and 0 (unless the environment
    /// sets it).
    #[test]
    fn the_delay_is_zero_while_released_and_restored_after() {
        let get = || unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        let before = get();
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(before, 1000);
        }
        let release = PromptRelease::start();
        assert_eq!(get(), 0);
        drop(release);
        assert_eq!(get(), before);
    }
}
