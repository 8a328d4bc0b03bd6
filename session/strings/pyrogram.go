package strings

import "encoding/binary"

// Pyrogram payload sizes (see the package doc).
const (
	pyrogramCurrent  = 1 + 4 + 1 + AuthKeySize + 8 + 1 // ">BI?256sQ?"
	pyrogramLegacy64 = 1 + 1 + AuthKeySize + 8 + 1     // ">B?256sQ?"
	pyrogramLegacy32 = 1 + 1 + AuthKeySize + 4 + 1     // ">B?256sI?"
)

// parsePyrogram decodes a Pyrogram payload, choosing the layout by its length.
func parsePyrogram(p []byte) (Data, error) {
	d := Data{Format: FormatPyrogram}
	// off is where the test-mode byte sits; userSize the width of the user id.
	var off, userSize int
	switch len(p) {
	case pyrogramCurrent:
		d.APIID = int32(binary.BigEndian.Uint32(p[1:]))
		off, userSize = 5, 8
	case pyrogramLegacy64:
		off, userSize = 1, 8
	case pyrogramLegacy32:
		off, userSize = 1, 4
	default:
		return Data{}, formatError(FormatPyrogram, ErrTruncated,
			"payload is %d bytes, want %d, %d or %d", len(p), pyrogramCurrent, pyrogramLegacy64, pyrogramLegacy32)
	}
	d.DC = int(p[0])
	d.TestMode = p[off] != 0
	key := p[off+1 : off+1+AuthKeySize]
	user := p[off+1+AuthKeySize:]
	if userSize == 8 {
		d.UserID = int64(binary.BigEndian.Uint64(user))
	} else {
		d.UserID = int64(binary.BigEndian.Uint32(user))
	}
	d.Bot = p[len(p)-1] != 0
	d.AuthKey = append([]byte(nil), key...)
	if err := d.check(ErrMalformed); err != nil {
		return Data{}, err
	}
	return d, nil
}
