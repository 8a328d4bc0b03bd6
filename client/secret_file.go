package mtgo

import (
	"cmp"
	"crypto/md5" //nolint:gosec // the file key fingerprint is defined with MD5
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/secretchat"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/e2e"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// secretFileKeySize is the length of an encrypted file's AES-256-IGE key and of its iv.
const secretFileKeySize = 32

// secretFileFingerprint is an encrypted file's key_fingerprint as core.telegram.org/api/
// end-to-end ("Sending encrypted files") defines it: digest = MD5(key ‖ iv), fingerprint =
// digest[0:4] XOR digest[4:8], read as a little-endian 32-bit integer.
func secretFileFingerprint(key, iv []byte) int32 {
	buf := make([]byte, 0, len(key)+len(iv))
	d := md5.Sum(append(append(buf, key...), iv...)) //nolint:gosec // defined by the protocol
	le := binary.LittleEndian
	return int32(le.Uint32(d[0:4]) ^ le.Uint32(d[4:8]))
}

// encryptSecretFile pads data with random bytes to a multiple of 16 and encrypts it with
// AES-256-IGE under a fresh random key and iv.
func encryptSecretFile(data []byte, rnd io.Reader) (cipher, key, iv []byte, err error) {
	secret := make([]byte, 2*secretFileKeySize)
	if _, err := io.ReadFull(rnd, secret); err != nil {
		return nil, nil, nil, fmt.Errorf("mtgo: secret file random: %w", err)
	}
	key, iv = secret[:secretFileKeySize:secretFileKeySize], secret[secretFileKeySize:]
	n := (len(data) + 15) &^ 15
	if n == 0 {
		n = 16
	}
	plain := make([]byte, n)
	copy(plain, data)
	if _, err := io.ReadFull(rnd, plain[len(data):]); err != nil {
		return nil, nil, nil, fmt.Errorf("mtgo: secret file random: %w", err)
	}
	cipher = make([]byte, n)
	if err := crypto.IGEEncrypt(cipher, plain, key, iv); err != nil {
		return nil, nil, nil, fmt.Errorf("mtgo: secret file: %w", err)
	}
	return cipher, key, iv, nil
}

// decryptSecretFile checks f's key against the fingerprint the server reported and decrypts
// cipher, cut to the plaintext's size.
func decryptSecretFile(f *types.SecretFile, cipher []byte) ([]byte, error) {
	switch {
	case len(f.Key) != secretFileKeySize || len(f.IV) != secretFileKeySize:
		return nil, fmt.Errorf("mtgo: secret file: key and iv must be %d bytes", secretFileKeySize)
	case secretFileFingerprint(f.Key, f.IV) != f.KeyFingerprint:
		return nil, fmt.Errorf("mtgo: secret file: %w", ErrSecretFingerprint)
	case len(cipher)%16 != 0 || f.PlainSize < 0 || int64(len(cipher)) < f.PlainSize:
		return nil, fmt.Errorf("mtgo: secret file: %d bytes of ciphertext for %d of file", len(cipher), f.PlainSize)
	}
	plain := make([]byte, len(cipher))
	if err := crypto.IGEDecrypt(plain, cipher, f.Key, f.IV); err != nil {
		return nil, fmt.Errorf("mtgo: secret file: %w", err)
	}
	return plain[:f.PlainSize], nil
}

// Bounds on a secret media description, sent or received.
const (
	// MaxSecretThumbSize is the largest inline thumbnail of a secret media message, sent or
	// received (Telegram's clients send JPEGs of at most 90 pixels a side: a few KiB).
	MaxSecretThumbSize = 32 << 10
	// maxSecretDimension bounds a width or height, in pixels.
	maxSecretDimension = 1 << 16
	// maxSecretWaveform bounds a voice message's waveform (Telegram's clients send 63 bytes).
	maxSecretWaveform = 1 << 10
)

// secretFileOf describes the file of a photo, video, audio or document message with where
// the server keeps it, and returns the media's caption. The file is nil for other media,
// without a file, or when the description fails describeSecretMedia's checks (the error).
func secretFileOf(md e2e.DecryptedMessageMediaClass, file tg.EncryptedFileClass) (*types.SecretFile, string, error) {
	sf, caption, err := describeSecretMedia(md)
	f, ok := file.(*tg.EncryptedFile)
	if err != nil || sf == nil || !ok {
		return nil, caption, err
	}
	sf.ID, sf.AccessHash, sf.DCID, sf.Size, sf.KeyFingerprint = f.ID, f.AccessHash, f.DCID, f.Size, f.KeyFingerprint
	return sf, caption, nil
}

// secretMediaShape is what describeSecretMedia checks of a media description, in the wire's
// integers.
type secretMediaShape struct {
	size, w, h, duration int64
	thumb                []byte
	thumbW, thumbH       int32
}

// describeSecretMedia types a photo, video, audio or document description (nil for other
// media) and returns its caption. The peer wrote every field: sizes, dimensions and
// durations must not be negative, dimensions at most maxSecretDimension, a thumbnail at most
// MaxSecretThumbSize bytes with its own dimensions, a waveform at most maxSecretWaveform
// bytes (ErrSecretMedia). Its work is linear in the description's size.
func describeSecretMedia(md e2e.DecryptedMessageMediaClass) (*types.SecretFile, string, error) {
	var (
		sf      types.SecretFile
		sh      secretMediaShape
		caption string
	)
	switch d := md.(type) {
	case *e2e.DecryptedMessageMediaPhoto:
		sf = types.SecretFile{Kind: types.KindPhoto, MimeType: "image/jpeg", Key: d.Key, IV: d.Iv}
		sh = secretMediaShape{size: int64(d.Size), w: int64(d.W), h: int64(d.H), thumb: d.Thumb, thumbW: d.ThumbW, thumbH: d.ThumbH}
		caption = d.Caption
	case *e2e.DecryptedMessageMediaVideo: // older clients' videos (documents now)
		sf = types.SecretFile{Kind: types.KindVideo, MimeType: cmp.Or(d.MimeType, "video/mp4"), Key: d.Key, IV: d.Iv}
		sh = secretMediaShape{size: int64(d.Size), w: int64(d.W), h: int64(d.H), duration: int64(d.Duration), thumb: d.Thumb, thumbW: d.ThumbW, thumbH: d.ThumbH}
		caption = d.Caption
	case *e2e.DecryptedMessageMediaAudio: // older clients' voice recordings
		sf = types.SecretFile{Kind: types.KindVoice, MimeType: cmp.Or(d.MimeType, "audio/ogg"), Key: d.Key, IV: d.Iv}
		sh = secretMediaShape{size: int64(d.Size), duration: int64(d.Duration)}
	case *e2e.DecryptedMessageMediaDocument46: // layers before 143: size:int
		return describeSecretMedia(secretchat.DocumentFrom46(d))
	case *e2e.DecryptedMessageMediaDocument:
		sf = types.SecretFile{Kind: types.KindDocument, MimeType: d.MimeType, Key: d.Key, IV: d.Iv}
		sh = secretMediaShape{size: d.Size, thumb: d.Thumb, thumbW: d.ThumbW, thumbH: d.ThumbH}
		documentAttributes(&sf, &sh, d.Attributes)
		caption = d.Caption
	default:
		return nil, "", nil
	}
	if err := sh.checkFile(&sf); err != nil {
		return nil, caption, err
	}
	sf.PlainSize, sf.Width, sf.Height, sf.Duration = sh.size, int(sh.w), int(sh.h), time.Duration(sh.duration)*time.Second
	if len(sh.thumb) > 0 {
		sf.Thumb = &types.SecretThumb{Data: sh.thumb, Width: int(sh.thumbW), Height: int(sh.thumbH)}
	}
	return &sf, caption, nil
}

// documentAttributes reads a document's attributes into sf and sh: its name, size, duration,
// audio details, and its kind (a sticker, then a video note, an animation, a video, a voice
// message, music; else a document).
func documentAttributes(sf *types.SecretFile, sh *secretMediaShape, attrs []e2e.DocumentAttributeClass) {
	var sticker, animated, round, video, voice, audio bool
	for _, a := range attrs {
		switch a := a.(type) {
		case *e2e.DocumentAttributeFilename:
			sf.FileName = a.FileName
		case *e2e.DocumentAttributeImageSize:
			if !video {
				sh.w, sh.h = int64(a.W), int64(a.H)
			}
		case *e2e.DocumentAttributeAnimated:
			animated = true
		case *e2e.DocumentAttributeSticker:
			sticker = true
		case *e2e.DocumentAttributeVideo:
			video, round = true, a.RoundMessage
			sh.w, sh.h, sh.duration = int64(a.W), int64(a.H), int64(a.Duration)
		case *e2e.DocumentAttributeAudio:
			audio, voice = true, a.Voice
			if !video {
				sh.duration = int64(a.Duration)
			}
			sf.Title, sf.Performer, sf.Waveform = a.Title.Value, a.Performer.Value, a.Waveform.Value
		}
	}
	switch {
	case sticker:
		sf.Kind = types.KindSticker
	case video && round:
		sf.Kind = types.KindVideoNote
	case animated:
		sf.Kind = types.KindAnimation
	case video:
		sf.Kind = types.KindVideo
	case audio && voice:
		sf.Kind = types.KindVoice
	case audio:
		sf.Kind = types.KindAudio
	}
}

// check reports a negative size or duration, a dimension out of range, or a bad thumbnail.
func (sh secretMediaShape) check() error {
	inRange := func(v, lo int64) bool { return v >= lo && v <= maxSecretDimension }
	switch {
	case sh.size < 0:
		return fmt.Errorf("%w: size %d", ErrSecretMedia, sh.size)
	case sh.duration < 0:
		return fmt.Errorf("%w: duration %d", ErrSecretMedia, sh.duration)
	case !inRange(sh.w, 0) || !inRange(sh.h, 0):
		return fmt.Errorf("%w: size %dx%d pixels", ErrSecretMedia, sh.w, sh.h)
	case len(sh.thumb) > MaxSecretThumbSize:
		return fmt.Errorf("%w: thumbnail of %d bytes, over %d", ErrSecretMedia, len(sh.thumb), MaxSecretThumbSize)
	case len(sh.thumb) > 0 && (!inRange(int64(sh.thumbW), 1) || !inRange(int64(sh.thumbH), 1)):
		return fmt.Errorf("%w: thumbnail of %dx%d pixels", ErrSecretMedia, sh.thumbW, sh.thumbH)
	}
	return nil
}

// checkFile is check, and a waveform of sf at most maxSecretWaveform bytes.
func (sh secretMediaShape) checkFile(sf *types.SecretFile) error {
	if err := sh.check(); err != nil {
		return err
	}
	if len(sf.Waveform) > maxSecretWaveform {
		return fmt.Errorf("%w: waveform of %d bytes", ErrSecretMedia, len(sf.Waveform))
	}
	return nil
}

// media builds the media SendSecretFile sends for a file of size bytes encrypted with key
// and iv, and checks it as the peer will (describeSecretMedia).
func (o *SecretFileOptions) media(fileName string, size int64, key, iv []byte) (e2e.DecryptedMessageMediaClass, error) {
	thumb, tw, th := []byte{}, int32(0), int32(0)
	if o.Thumb != nil && len(o.Thumb.Data) > 0 {
		thumb, tw, th = o.Thumb.Data, wire32(int64(o.Thumb.Width)), wire32(int64(o.Thumb.Height))
	}
	w, h, dur := wire32(int64(o.Width)), wire32(int64(o.Height)), wire32(int64(o.Duration/time.Second))
	name := &e2e.DocumentAttributeFilename{FileName: fileName}
	doc := &e2e.DecryptedMessageMediaDocument{Thumb: thumb, ThumbW: tw, ThumbH: th, Size: size, Key: key, Iv: iv, Caption: o.Caption}
	var md e2e.DecryptedMessageMediaClass = doc
	switch o.Kind {
	case types.KindPhoto:
		if o.Width <= 0 || o.Height <= 0 {
			return nil, fmt.Errorf("%w: a photo needs its width and height", ErrSecretMedia)
		}
		md = &e2e.DecryptedMessageMediaPhoto{Thumb: thumb, ThumbW: tw, ThumbH: th, W: w, H: h, Size: wire32(size), Key: key, Iv: iv, Caption: o.Caption}
	case types.KindVideo, types.KindVideoNote, types.KindAnimation:
		doc.MimeType = cmp.Or(o.MimeType, "video/mp4")
		v := &e2e.DocumentAttributeVideo{RoundMessage: o.Kind == types.KindVideoNote, Duration: dur, W: w, H: h}
		doc.Attributes = []e2e.DocumentAttributeClass{v, name}
		if o.Kind == types.KindAnimation {
			doc.Attributes = append(doc.Attributes, &e2e.DocumentAttributeAnimated{})
		}
	case types.KindAudio, types.KindVoice:
		if o.Thumb != nil {
			return nil, fmt.Errorf("%w: no thumbnail for audio", ErrSecretMedia)
		}
		a := &e2e.DocumentAttributeAudio{Voice: o.Kind == types.KindVoice, Duration: dur}
		doc.MimeType = cmp.Or(o.MimeType, "audio/mpeg")
		if a.Voice {
			doc.MimeType = cmp.Or(o.MimeType, "audio/ogg")
		}
		if o.Title != "" {
			a.Title = tl.Some(o.Title)
		}
		if o.Performer != "" {
			a.Performer = tl.Some(o.Performer)
		}
		if len(o.Waveform) > 0 {
			a.Waveform = tl.Some(o.Waveform)
		}
		doc.Attributes = []e2e.DocumentAttributeClass{a, name}
	case types.KindNone, types.KindDocument:
		doc.MimeType = cmp.Or(o.MimeType, "application/octet-stream")
		doc.Attributes = []e2e.DocumentAttributeClass{name}
		if o.Width > 0 && o.Height > 0 {
			doc.Attributes = append(doc.Attributes, &e2e.DocumentAttributeImageSize{W: w, H: h})
		}
	default:
		return nil, fmt.Errorf("%w: cannot send a %v (a sticker goes by reference: SendSecretSticker)", ErrSecretMedia, o.Kind)
	}
	if _, _, err := describeSecretMedia(md); err != nil {
		return nil, err
	}
	return md, nil
}

// wire32 is v as a wire int: a value past int32 becomes -1 or MaxInt32, which the checks
// refuse, instead of wrapping into a valid one.
func wire32(v int64) int32 {
	switch {
	case v > math.MaxInt32:
		return math.MaxInt32
	case v < math.MinInt32:
		return -1
	}
	return int32(v)
}

// encryptedInputFile turns an uploaded file into the encrypted chat's input file.
func encryptedInputFile(f tg.InputFileClass, fingerprint int32) (tg.InputEncryptedFileClass, error) {
	switch f := f.(type) {
	case *tg.InputFile:
		return &tg.InputEncryptedFileUploaded{ID: f.ID, Parts: f.Parts, MD5Checksum: f.MD5Checksum, KeyFingerprint: fingerprint}, nil
	case *tg.InputFileBig:
		return &tg.InputEncryptedFileBigUploaded{ID: f.ID, Parts: f.Parts, KeyFingerprint: fingerprint}, nil
	}
	return nil, fmt.Errorf("mtgo: secret file: upload gave %T", f)
}
