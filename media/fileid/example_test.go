package fileid_test

import (
	"fmt"

	"github.com/mtgo-labs/mtgo/media/fileid"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// A file id from the Bot API (here a sticker's, made by another library) decodes to its
// location; the location gives the media to send the file again and its unique id.
func Example() {
	loc, err := fileid.Decode("CAACAgQAB-uYTS8JikQIEzWqOX1ElpY6BA")
	if err != nil {
		panic(err)
	}
	fmt.Println(loc.Type, loc.DC, loc.ID)
	in, _ := loc.InputMedia()
	fmt.Printf("%T\n", in)
	uid, _ := fileid.UniqueID(loc)
	fmt.Println(uid)
	// Output:
	// sticker 4 595752822772701419
	// *tg.InputMediaDocument
	// AgAD65hNLwmKRAg
}

// The file id of a received photo's largest size, and back.
func ExampleFromPhoto() {
	p := &tg.Photo{ID: 1, AccessHash: 2, FileReference: []byte{3}, DCID: 2}
	id := fileid.MustEncode(fileid.FromPhoto(p, "y"))
	loc, _ := fileid.Decode(id)
	in, _ := loc.InputFileLocation()
	fmt.Printf("%+v\n", in)
	// Output: &{ID:1 AccessHash:2 FileReference:[3] ThumbSize:y}
}
