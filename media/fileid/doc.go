// Package fileid encodes and decodes the file identifiers of the Bot API and TDLib: the
// file_id that names a file together with the access hash and file reference needed to
// download or resend it, and the file_unique_id that is the same for one file whatever
// account looks at it.
//
// A file id is the little-endian serialisation of a remote file location (the TDLib file type
// with two flag bits, the data center, an optional file reference, then the location: a web
// URL, a photo with the source of its size, or a document's id and access hash), with runs of
// zero bytes shortened to a zero and a count, two trailing bytes (sub-version, then version
// 4) and URL-safe base64 without padding around the whole. Version 2 ids (no sub-version) and
// version 4 ids of every sub-version are read; ids are written as version 4, sub-version 58,
// as the Bot API writes them today.
//
// Location is the decoded form; Encode and Decode convert between the two, UniqueID makes
// the unique id of a location and DecodeUnique reads one. A Location turns into the tl/tg
// objects that use it: InputFileLocation (for upload.getFile), InputDocument, InputPhoto,
// InputMedia (to send the file again) and MediaLocation (for the media package's download).
// FromDocument, FromPhoto, FromDocumentThumb, FromChatPhoto, FromStickerSetThumb and FromWeb
// build a Location from what Telegram sends.
//
// The package does no I/O. Decoding is bounded: an id longer than MaxLen, or one that
// expands past the size of any real id, fails with ErrInvalid before work proportional to
// it is done; every malformed input fails with an error wrapping ErrInvalid or ErrUnsupported,
// never a panic.
package fileid
