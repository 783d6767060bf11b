//! Typed ids: [`AgentId`], [`RunId`], [`WebhookId`], [`WorkspaceId`]. Models carry them, and
//! methods take them through [`AgentIdRef`] and its kin, so passing a run's id where an
//! agent's is due does not compile: `client.runs().get(&run.run_id, &run.agent_id)` is an
//! error. An id from elsewhere (a string stored by your program, a command-line argument) is
//! accepted as `&str` or `&String` as before.
//!
//! Each id is a string: it derefs to `str`, compares with strings, displays and serializes
//! as one.

use std::fmt;

/// Declares an id type and the argument type methods take it as.
macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident, $arg:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            #[doc = concat!("A ", $what, " id from elsewhere, e.g. one your program stored.")]
            pub fn new(id: impl Into<String>) -> $name {
                $name(id.into())
            }

            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id as a `String`.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> $name {
                $name(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> $name {
                $name(id.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        /// For the params structs, whose id fields are strings: `.workspace_id(&ws.workspace_id)`.
        impl From<&$name> for String {
            fn from(id: &$name) -> String {
                id.0.clone()
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        #[doc = concat!("A ", $what, " id as methods take it: a [`", stringify!($name), "`] (a model's field), or a `&str` or `&String` for an id from elsewhere. Any other typed id does not convert.")]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $arg<'a>(&'a str);

        impl<'a> $arg<'a> {
            /// The id as a string slice.
            pub fn as_str(self) -> &'a str {
                self.0
            }
        }

        impl<'a> From<&'a $name> for $arg<'a> {
            fn from(id: &'a $name) -> $arg<'a> {
                $arg(&id.0)
            }
        }

        impl<'a> From<&'a str> for $arg<'a> {
            fn from(id: &'a str) -> $arg<'a> {
                $arg(id)
            }
        }

        impl<'a> From<&'a String> for $arg<'a> {
            fn from(id: &'a String) -> $arg<'a> {
                $arg(id)
            }
        }
    };
}

typed_id!(
    /// An agent's id (a UUIDv7, or the id given at creation).
    ///
    /// Ids of different things do not mix: passing a run's id where an agent's is due does
    /// not compile.
    ///
    /// ```compile_fail
    /// # fn swapped(client: &twin_core::Client, run: &twin_core::Run) {
    /// let _ = client.runs().get(&run.run_id, &run.agent_id);
    /// # }
    /// ```
    ///
    /// ```
    /// # fn right(client: &twin_core::Client, run: &twin_core::Run) {
    /// let _ = client.runs().get(&run.agent_id, &run.run_id);
    /// let _ = client.runs().get("a stored agent id", "a stored run id");
    /// # }
    /// ```
    AgentId, AgentIdRef, "an agent's"
);
typed_id!(
    /// A run's id (a UUIDv7).
    RunId, RunIdRef, "a run's"
);
typed_id!(
    /// A webhook's id.
    WebhookId, WebhookIdRef, "a webhook's"
);
typed_id!(
    /// A workspace's id.
    WorkspaceId, WorkspaceIdRef, "a workspace's"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_strings_to_read_and_types_to_pass() {
        let agent = AgentId::new("a-1");
        assert_eq!(agent, "a-1");
        assert_eq!(agent.len(), 3, "derefs to str");
        assert_eq!(format!("{agent} {agent:?}"), r#"a-1 "a-1""#);
        assert_eq!(serde_json::to_string(&agent).unwrap(), r#""a-1""#);
        let back: AgentId = serde_json::from_str(r#""a-1""#).unwrap();
        assert_eq!(back, agent);
        assert_eq!(AgentIdRef::from(&agent).as_str(), "a-1");
        assert_eq!(
            AgentIdRef::from("a-1"),
            AgentIdRef::from(&String::from("a-1"))
        );
        assert_eq!(String::from(agent), "a-1");
    }
}
