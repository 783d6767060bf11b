//! `/v1/agents/{agent_id}/instructions`: an agent's instructions and their version history
//! (core's `resources/instructions.rs`).

use std::ffi::c_char;

use twin_core::{InstructionVersion, Instructions, InstructionsUpdateParams, Model};

use crate::client::twin_client;
use crate::error::twin_status;
use crate::ffi::{self, CStrings};

/// An agent's current instructions.
#[derive(Debug)]
pub struct twin_instructions {
    instructions: Instructions,
    strings: CStrings,
}

impl From<Instructions> for twin_instructions {
    fn from(instructions: Instructions) -> Self {
        twin_instructions {
            instructions,
            strings: CStrings::default(),
        }
    }
}

/// One version in an agent's instruction history.
#[derive(Debug)]
pub struct twin_instruction_version {
    version: InstructionVersion,
    strings: CStrings,
}

impl From<InstructionVersion> for twin_instruction_version {
    fn from(version: InstructionVersion) -> Self {
        twin_instruction_version {
            version,
            strings: CStrings::default(),
        }
    }
}

/// The agent's current instructions. On success `*instructions_out` is a new twin_instructions,
/// or NULL when the agent has none.
#[unsafe(no_mangle)]
pub extern "C" fn twin_instructions_get(
    client: *const twin_client,
    agent_id: *const c_char,
    instructions_out: *mut *mut twin_instructions,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let instructions_out = ffi::out(instructions_out, "instructions_out")?;
        let instructions = client.client.instructions().get(agent_id)?;
        instructions_out.give_opt(instructions.map(twin_instructions::from));
        Ok(())
    })
}

/// Replaces the agent's instructions with `content` (Markdown); each write adds a version to the
/// history. `source_type` may be NULL (the service then records `checkpoint`, with a
/// `source_id` of its own: live-calls.json calls 14 and 16); `source_id` may be NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_instructions_update(
    client: *const twin_client,
    agent_id: *const c_char,
    content: *const c_char,
    source_type: *const c_char,
    source_id: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let content = ffi::str_arg(content, "content")?;
        let mut params = InstructionsUpdateParams::default();
        params.source_type = ffi::opt_str_arg(source_type, "source_type")?.map(str::to_owned);
        params.source_id = ffi::opt_str_arg(source_id, "source_id")?.map(str::to_owned);
        client
            .client
            .instructions()
            .update(agent_id, content, &params)?;
        Ok(())
    })
}

/// The agent's instruction versions, newest first. `limit` may be NULL: every version;
/// otherwise it points to the most to return. On success `*list_out` is a new list, freed with
/// twin_instruction_version_list_free().
#[unsafe(no_mangle)]
pub extern "C" fn twin_instructions_history(
    client: *const twin_client,
    agent_id: *const c_char,
    limit: *const u32,
    list_out: *mut *mut twin_instruction_version_list,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let limit = ffi::opt_value(limit);
        let list_out = ffi::out(list_out, "list_out")?;
        let versions = client.client.instructions().history(agent_id, limit)?;
        list_out.give(versions.into_iter().collect());
        Ok(())
    })
}

/// The text, in Markdown (`content`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_instructions_content(
    instructions: *const twin_instructions,
) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let instructions = ffi::arg(instructions, "instructions")?;
        Ok(instructions
            .strings
            .get("content", &instructions.instructions.content))
    })
}

/// The SHA-256 of the content in hex (`content_hash`), or NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_instructions_content_hash(
    instructions: *const twin_instructions,
) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let instructions = ffi::arg(instructions, "instructions")?;
        Ok(instructions.strings.get_opt(
            "content_hash",
            instructions.instructions.content_hash.as_deref(),
        ))
    })
}

/// When this version was written (`updated_at`), in Unix seconds. `has_value` may be NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_instructions_updated_at(
    instructions: *const twin_instructions,
    has_value: *mut bool,
) -> i64 {
    ffi::call_or(0, || {
        let instructions = ffi::arg(instructions, "instructions")?;
        Ok(ffi::optional(
            crate::unix(instructions.instructions.updated_at),
            has_value,
        ))
    })
}

/// Where the text came from (`source_id`), e.g. `api:...`, or NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_instructions_source_id(
    instructions: *const twin_instructions,
) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let instructions = ffi::arg(instructions, "instructions")?;
        Ok(instructions
            .strings
            .get_opt("source_id", instructions.instructions.source_id.as_deref()))
    })
}

/// The complete JSON object as received, unknown fields included.
#[unsafe(no_mangle)]
pub extern "C" fn twin_instructions_json(instructions: *const twin_instructions) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let instructions = ffi::arg(instructions, "instructions")?;
        Ok(instructions
            .strings
            .get_with("json", || crate::json(instructions.instructions.raw())))
    })
}

/// Frees a twin_instructions. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_instructions_free(instructions: *mut twin_instructions) {
    ffi::call_or((), || {
        ffi::free(instructions);
        Ok(())
    })
}

/// The version's integer id (`id`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_instruction_version_id(version: *const twin_instruction_version) -> u64 {
    ffi::call_or(0, || {
        let version = ffi::arg(version, "version")?;
        Ok(version.version.id)
    })
}

/// The text (`content`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_instruction_version_content(
    version: *const twin_instruction_version,
) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let version = ffi::arg(version, "version")?;
        Ok(version.strings.get("content", &version.version.content))
    })
}

/// The SHA-256 of the content in hex (`content_hash`), or NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_instruction_version_content_hash(
    version: *const twin_instruction_version,
) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let version = ffi::arg(version, "version")?;
        Ok(version
            .strings
            .get_opt("content_hash", version.version.content_hash.as_deref()))
    })
}

/// When the version was written (`created_at`), in Unix seconds. `has_value` may be NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_instruction_version_created_at(
    version: *const twin_instruction_version,
    has_value: *mut bool,
) -> i64 {
    ffi::call_or(0, || {
        let version = ffi::arg(version, "version")?;
        Ok(ffi::optional(
            crate::unix(version.version.created_at),
            has_value,
        ))
    })
}

/// Where the version came from (`source_type`): `api`, `checkpoint`, ..., or NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_instruction_version_source_type(
    version: *const twin_instruction_version,
) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let version = ffi::arg(version, "version")?;
        Ok(version
            .strings
            .get_opt("source_type", version.version.source_type.as_deref()))
    })
}

/// The writer's reference (`source_id`), or NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_instruction_version_source_id(
    version: *const twin_instruction_version,
) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let version = ffi::arg(version, "version")?;
        Ok(version
            .strings
            .get_opt("source_id", version.version.source_id.as_deref()))
    })
}

/// The complete JSON object as received, unknown fields included.
#[unsafe(no_mangle)]
pub extern "C" fn twin_instruction_version_json(
    version: *const twin_instruction_version,
) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let version = ffi::arg(version, "version")?;
        Ok(version
            .strings
            .get_with("json", || crate::json(version.version.raw())))
    })
}

/// Frees a twin_instruction_version. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_instruction_version_free(version: *mut twin_instruction_version) {
    ffi::call_or((), || {
        ffi::free(version);
        Ok(())
    })
}

/// A list of instruction versions; its items are borrowed from it. Free with
/// twin_instruction_version_list_free().
#[derive(Debug)]
pub struct twin_instruction_version_list {
    items: Vec<twin_instruction_version>,
}

impl<T: Into<twin_instruction_version>> FromIterator<T> for twin_instruction_version_list {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        twin_instruction_version_list {
            items: iter.into_iter().map(Into::into).collect(),
        }
    }
}

/// The number of items in the list; 0 for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_instruction_version_list_len(
    list: *const twin_instruction_version_list,
) -> usize {
    ffi::call_or(0, || Ok(ffi::arg(list, "list")?.items.len()))
}

/// Item `index` of the list, borrowed from it (valid until the list is freed); NULL when
/// `index` is out of range.
#[unsafe(no_mangle)]
pub extern "C" fn twin_instruction_version_list_get(
    list: *const twin_instruction_version_list,
    index: usize,
) -> *const twin_instruction_version {
    ffi::call_or(std::ptr::null(), || {
        let list = ffi::arg(list, "list")?;
        ffi::element(&list.items, index).map(std::ptr::from_ref)
    })
}

/// Frees a list and its items. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_instruction_version_list_free(list: *mut twin_instruction_version_list) {
    ffi::call_or((), || {
        ffi::free(list);
        Ok(())
    })
}
