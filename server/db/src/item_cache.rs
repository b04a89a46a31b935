//! Item models (and outline classifications) by content. An item's model depends only on its language and its text (the
//! outline hashes both into the key), so a model computed once serves every revision, and every
//! file, in which that text appears. Reading the cache is a pure function of the key: it cannot
//! make a tracked query see anything its inputs do not determine.
//!
//! Salsa could memoize items itself (a tracked struct per item), but re-validating a thousand
//! memos after each keystroke costs more than the keystroke's whole analysis; a hash lookup per
//! item does not.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use dashmap::DashMap;
use syntax::extract::ItemModel;
use syntax::{Classification, OutlineCache};

/// Past this many entries the cache starts over. A keystroke adds one entry (the edited item's
/// new text), and only open files use the cache, so this is only reached in long sessions.
const CAPACITY: usize = 100_000;

#[derive(Default)]
pub struct ItemCache {
    models: DashMap<u128, Arc<ItemModel>>,
    /// The outline query's verdict on top-level nodes, by the hash of their text.
    classifications: DashMap<u128, Arc<Classification>>,
    analyses: AtomicU64,
}

impl OutlineCache for ItemCache {
    fn classification(&self, key: u128) -> Option<Arc<Classification>> {
        self.classifications.get(&key).map(|c| c.clone())
    }

    fn remember(&self, key: u128, classification: Arc<Classification>) {
        if self.classifications.len() >= CAPACITY {
            self.classifications.clear();
        }
        self.classifications.insert(key, classification);
    }
}

impl ItemCache {
    /// The cached model for the item whose text hashes to `key`.
    pub fn get(&self, key: u128) -> Option<Arc<ItemModel>> {
        self.models.get(&key).map(|m| m.clone())
    }

    /// Caches a model just analysed, and counts the analysis.
    pub fn insert(&self, key: u128, model: ItemModel) -> Arc<ItemModel> {
        let model = Arc::new(model);
        self.analyses.fetch_add(1, Ordering::Relaxed);
        if self.models.len() >= CAPACITY {
            self.models.clear();
        }
        self.models.insert(key, model.clone());
        model
    }

    /// How many items have been analysed (cache misses) since the database was made.
    pub fn analyses(&self) -> u64 {
        self.analyses.load(Ordering::Relaxed)
    }

    pub fn len(&self) -> usize {
        self.models.len()
    }

    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }
}
