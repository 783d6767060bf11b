//! libtwin: the C ABI over twin-core.
