//! Browser I/O: where the session lives. `local` (default) and `session` are the Web Storage objects;
//! `memory` stays in this page; a custom `{getItem, setItem, removeItem}` may be sync or async (a Promise).
//! Without Web Storage (server-side rendering, workers) `local`/`session` fall back to memory, never throw.

use crate::error::{Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;
use core::cell::RefCell;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

pub const STORAGE_ERROR: &str = "StorageError";

pub enum Storage {
    /// localStorage / sessionStorage, or a custom object with the same three methods.
    Object(JsValue),
    Memory(RefCell<Vec<(String, String)>>),
}

fn method(obj: &JsValue, name: &str) -> Option<Function> {
    Reflect::get(obj, &JsValue::from_str(name)).ok().and_then(|f| f.dyn_into::<Function>().ok())
}

fn web_storage(name: &str) -> Option<JsValue> {
    // Reading localStorage throws in some sandboxed frames: that, too, means "not available".
    Reflect::get(&js_sys::global(), &JsValue::from_str(name)).ok().filter(|s| s.is_object() && method(s, "getItem").is_some())
}

impl Storage {
    /// From the `storage` option: `'local'` (default), `'session'`, `'memory'` or an object.
    pub fn from_option(option: &JsValue) -> Result<Storage> {
        let memory = || Storage::Memory(RefCell::new(Vec::new()));
        if option.is_undefined() || option.is_null() {
            return Ok(web_storage("localStorage").map_or_else(memory, Storage::Object));
        }
        match option.as_string().as_deref() {
            Some("local") => Ok(web_storage("localStorage").map_or_else(memory, Storage::Object)),
            Some("session") => Ok(web_storage("sessionStorage").map_or_else(memory, Storage::Object)),
            Some("memory") => Ok(memory()),
            Some(_) => Err(Error::new(crate::error::code::INVALID_ARGUMENT, "storage must be 'local', 'session', 'memory' or {getItem, setItem, removeItem}")),
            None if ["getItem", "setItem", "removeItem"].iter().all(|m| method(option, m).is_some()) => Ok(Storage::Object(option.clone())),
            None => Err(Error::new(crate::error::code::INVALID_ARGUMENT, "a custom storage needs getItem, setItem and removeItem functions")),
        }
    }

    /// Whether this is the page's `localStorage` (shared by every tab of the origin).
    pub fn is_local_storage(&self) -> bool {
        match (self, web_storage("localStorage")) {
            (Storage::Object(o), Some(local)) => *o == local,
            _ => false,
        }
    }

    async fn invoke(obj: &JsValue, name: &str, args: &[&str]) -> Result<JsValue> {
        let failed = || Error::new(STORAGE_ERROR, cat_static(name));
        let f = method(obj, name).ok_or_else(failed)?;
        let result = match args {
            [a] => f.call1(obj, &JsValue::from_str(a)),
            [a, b] => f.call2(obj, &JsValue::from_str(a), &JsValue::from_str(b)),
            _ => f.call0(obj),
        }
        .map_err(|_| failed())?;
        // A custom storage may answer with a Promise; awaiting a plain value is harmless.
        JsFuture::from(Promise::resolve(&result)).await.map_err(|_| failed())
    }

    pub async fn get(&self, key: &str) -> Result<Option<String>> {
        match self {
            Storage::Object(o) => Ok(Storage::invoke(o, "getItem", &[key]).await?.as_string()),
            Storage::Memory(m) => Ok(m.borrow().iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())),
        }
    }

    pub async fn set(&self, key: &str, value: &str) -> Result<()> {
        match self {
            Storage::Object(o) => Storage::invoke(o, "setItem", &[key, value]).await.map(|_| ()),
            Storage::Memory(m) => {
                let mut m = m.borrow_mut();
                m.retain(|(k, _)| k != key);
                m.push((key.into(), value.into()));
                Ok(())
            }
        }
    }

    pub async fn remove(&self, key: &str) -> Result<()> {
        match self {
            Storage::Object(o) => Storage::invoke(o, "removeItem", &[key]).await.map(|_| ()),
            Storage::Memory(m) => {
                m.borrow_mut().retain(|(k, _)| k != key);
                Ok(())
            }
        }
    }
}

fn cat_static(name: &str) -> String {
    crate::cat(&["the session storage failed in ", name])
}
