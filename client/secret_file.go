package mtgo

import (
	"crypto/md5" //nolint:gosec // the file key fingerprint is defined with MD5
	"encoding/binary"
	"fmt"
	"io"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/crypto"
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

// secretFileOf describes the file of a document message; nil for other media or without a
// file.
func secretFileOf(media e2e.DecryptedMessageMediaClass, file tg.EncryptedFileClass) *types.SecretFile {
	d, ok := media.(*e2e.DecryptedMessageMediaDocument)
	f, ok2 := file.(*tg.EncryptedFile)
	if !ok || !ok2 {
		return nil
	}
	sf := &types.SecretFile{
		ID: f.ID, AccessHash: f.AccessHash, DCID: f.DCID, Size: f.Size, KeyFingerprint: f.KeyFingerprint,
		Key: d.Key, IV: d.Iv, PlainSize: d.Size, MimeType: d.MimeType,
	}
	for _, a := range d.Attributes {
		if n, ok := a.(*e2e.DocumentAttributeFilename); ok {
			sf.FileName = n.FileName
		}
	}
	return sf
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
