//! JSON as the Raw pane, `open` and the parse see it, below any screen: the body indexed once
//! into pretty-printed lines ([`index`]), the foldable, searchable tree over that index
//! ([`tree`]), the head sample that says who a large file is about ([`sample`]), and the
//! parse that allocates every container once at its final size ([`sized_parse`]).

pub mod index;
pub mod sample;
pub mod sized_parse;
pub mod tree;

pub use index::{JsonLine, JsonToken, RawIndex, index};
pub use tree::{JsonTree, Search};
