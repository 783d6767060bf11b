//! Lazy paging for the three styles the API uses: an opaque cursor (agents), page numbers
//! (runs) and `after_index` (events). Every list call returns a [`Pager`]: an iterator of
//! `Result<T>` that fetches the next page only when the previous one is used up, keeping every
//! filter on later pages. [`Pager::pages`] walks it a page at a time instead.
//!
//! Every list ends, whatever the server says: a page token (cursor) that was already used, or
//! a page whose items were all seen before, ends it with [`Error::Decode`] ("does not
//! advance"); an empty page ends it quietly.

use std::collections::HashSet;
use std::fmt;

use crate::error::{Error, Result};

/// The error that ends a list whose pages do not advance.
pub(crate) fn stalled(what: &str) -> Error {
    Error::Decode {
        message: format!("the list does not advance: {what}"),
        excerpt: String::new(),
    }
}

/// The ids a list has yielded, for not yielding one twice (pages shift while they are read).
/// An id in the form the service issues (a UUID: 36 characters, lowercase hex and dashes) is
/// kept as 16 bytes, any other as its text: listing 100,000 runs peaks about 4 MB higher instead
/// of 8 (`make bench BENCH_ROWS=7`).
#[derive(Default)]
pub(crate) struct SeenIds {
    uuids: HashSet<u128>,
    other: HashSet<Box<str>>,
}

impl SeenIds {
    /// True the first time `id` is seen.
    pub(crate) fn first_time(&mut self, id: &str) -> bool {
        match uuid_bits(id) {
            Some(bits) => self.uuids.insert(bits),
            None => self.other.insert(id.into()),
        }
    }
}

/// The 128 bits of a lowercase, hyphenated UUID; `None` for any other text (so two different
/// texts never map to the same bits).
fn uuid_bits(id: &str) -> Option<u128> {
    let bytes = id.as_bytes();
    if bytes.len() != 36 {
        return None;
    }
    let mut bits = 0u128;
    for (i, &b) in bytes.iter().enumerate() {
        let digit = match b {
            b'-' if matches!(i, 8 | 13 | 18 | 23) => continue,
            b'0'..=b'9' if !matches!(i, 8 | 13 | 18 | 23) => b - b'0',
            b'a'..=b'f' if !matches!(i, 8 | 13 | 18 | 23) => b - b'a' + 10,
            _ => return None,
        };
        bits = (bits << 4) | u128::from(digit);
    }
    Some(bits)
}

/// Where the next page starts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum PageToken {
    /// `next_cursor` of the previous page (agents).
    Cursor(String),
    /// A 1-based page number (runs).
    Page(u64),
    /// The last `event_index` seen (events).
    AfterIndex(u64),
}

/// One page of a list.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items of this page, in the service's order.
    pub items: Vec<T>,
    /// The total the service reported for the whole list (`total_runs`, `total_count`), if any.
    pub total: Option<u64>,
    next: Option<PageToken>,
}

impl<T> Page<T> {
    pub(crate) fn new(items: Vec<T>, total: Option<u64>, next: Option<PageToken>) -> Page<T> {
        Page { items, total, next }
    }

    /// Whether another page follows.
    pub fn has_next(&self) -> bool {
        self.next.is_some()
    }
}

type Fetch<T> = Box<dyn FnMut(Option<&PageToken>) -> Result<Page<T>> + Send>;

/// A lazily fetched list: iterate it for items, or call [`Pager::pages`] for pages.
///
/// After an error the pager ends (it yields the error once, then `None`).
#[must_use = "a list fetches nothing until it is iterated"]
pub struct Pager<T> {
    fetch: Fetch<T>,
    /// `None` when no page is left; `Some(None)` before the first page.
    next: Option<Option<PageToken>>,
    buffer: std::vec::IntoIter<T>,
    total: Option<u64>,
    /// Every token used so far: one seen again means the list goes round in circles.
    used: HashSet<PageToken>,
}

impl<T> fmt::Debug for Pager<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pager")
            .field("done", &self.next.is_none())
            .field("total", &self.total)
            .finish()
    }
}

impl<T> Pager<T> {
    pub(crate) fn new(
        fetch: impl FnMut(Option<&PageToken>) -> Result<Page<T>> + Send + 'static,
    ) -> Pager<T> {
        Pager {
            fetch: Box::new(fetch),
            next: Some(None),
            buffer: Vec::new().into_iter(),
            total: None,
            used: HashSet::new(),
        }
    }

    /// Fetches the next page, or `None` when the list is exhausted. Items still buffered by
    /// item iteration are dropped.
    pub fn next_page(&mut self) -> Option<Result<Page<T>>> {
        let token = self.next.take()?;
        self.buffer = Vec::new().into_iter();
        let result = (self.fetch)(token.as_ref());
        if let Ok(page) = &result {
            self.total = page.total.or(self.total);
            // A page that adds nothing ends the list, whatever its token says.
            let next = page.next.clone().filter(|_| !page.items.is_empty());
            if let Some(next) = &next
                && !self.used.insert(next.clone())
            {
                return Some(Err(stalled("the service sent a page token it sent before")));
            }
            self.next = next.map(Some);
        }
        Some(result)
    }

    /// The remaining pages, one fetch per item.
    pub fn pages(self) -> Pages<T> {
        Pages(self)
    }

    /// The total the service reported with the last page fetched, if any.
    pub fn total(&self) -> Option<u64> {
        self.total
    }
}

impl<T> Iterator for Pager<T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        loop {
            if let Some(item) = self.buffer.next() {
                return Some(Ok(item));
            }
            match self.next_page()? {
                Ok(page) => self.buffer = page.items.into_iter(),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// The pages of a [`Pager`]; from [`Pager::pages`].
#[must_use = "pages are fetched only when iterated"]
pub struct Pages<T>(Pager<T>);

impl<T> Iterator for Pages<T> {
    type Item = Result<Page<T>>;

    fn next(&mut self) -> Option<Result<Page<T>>> {
        self.0.next_page()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn seen_ids_keep_uuids_compactly_and_other_ids_as_text() {
        let mut seen = SeenIds::default();
        let id = "01a22d55-fe74-7501-b19e-7361ab4c8d50";
        assert!(seen.first_time(id));
        assert!(!seen.first_time(id));
        assert_eq!(seen.uuids.len(), 1);
        // Same bits in another spelling are another id: kept as text, never merged.
        assert!(seen.first_time(&id.to_uppercase()));
        assert!(seen.first_time("01a22d55fe747501b19e7361ab4c8d50----"));
        assert!(seen.first_time("agent-1") && !seen.first_time("agent-1"));
        assert_eq!((seen.uuids.len(), seen.other.len()), (1, 3));
        assert_eq!(uuid_bits("00000000-0000-0000-0000-00000000000f"), Some(15));
        assert_eq!(uuid_bits("00000000-0000-0000-0000-00000000000g"), None);
    }

    use super::*;
    use crate::error::Error;

    fn numbers(pages: Vec<Vec<u32>>) -> Pager<u32> {
        let mut calls = 0usize;
        Pager::new(move |token| {
            assert_eq!(
                token.cloned(),
                (calls > 0).then(|| PageToken::Page(calls as u64 + 1))
            );
            let items = pages[calls].clone();
            calls += 1;
            let next = (calls < pages.len()).then(|| PageToken::Page(calls as u64 + 1));
            Ok(Page::new(items, Some(6), next))
        })
    }

    #[test]
    fn items_span_pages_lazily() {
        let all: Vec<u32> = numbers(vec![vec![1, 2], vec![3], vec![4, 5, 6]])
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(all, [1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn pages_and_totals() {
        let mut p = numbers(vec![vec![1, 2], vec![3]]);
        assert_eq!(p.total(), None);
        let first = p.next_page().unwrap().unwrap();
        assert!(first.has_next());
        assert_eq!(p.total(), Some(6));
        let sizes: Vec<usize> = p.pages().map(|pg| pg.unwrap().items.len()).collect();
        assert_eq!(sizes, [1]);
    }

    #[test]
    fn an_empty_page_ends_the_list() {
        let mut calls = 0;
        let p: Pager<u32> = Pager::new(move |_| {
            calls += 1;
            assert!(calls <= 1, "fetched past an empty page");
            Ok(Page::new(vec![], None, Some(PageToken::AfterIndex(9))))
        });
        assert_eq!(p.count(), 0);
    }

    #[test]
    fn a_token_seen_before_ends_the_list_with_an_error() {
        let mut calls = 0;
        let mut p: Pager<u32> = Pager::new(move |_| {
            calls += 1;
            assert!(calls <= 3, "fetched past a repeated cursor");
            let cursor = if calls == 1 { "a" } else { "b" };
            Ok(Page::new(
                vec![calls],
                None,
                Some(PageToken::Cursor(cursor.into())),
            ))
        });
        assert_eq!(p.next().unwrap().unwrap(), 1);
        assert_eq!(p.next().unwrap().unwrap(), 2);
        let e = p.next().unwrap().unwrap_err();
        assert!(e.to_string().contains("does not advance"), "{e}");
        assert!(p.next().is_none());
    }

    #[test]
    fn an_error_is_yielded_once_then_the_pager_ends() {
        let mut p: Pager<u32> = Pager::new(|_| Err(Error::InvalidArgument("boom".into())));
        assert!(matches!(p.next(), Some(Err(Error::InvalidArgument(_)))));
        assert!(p.next().is_none());
    }
}
