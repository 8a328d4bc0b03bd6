package teletest

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/session/exchange"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/mt"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/transport"
)

// cdnDecrypt undoes the CDN's AES-256-CTR for the part starting at offset.
func cdnDecrypt(tb testing.TB, key, iv []byte, offset int64, enc []byte) []byte {
	tb.Helper()
	block, err := aes.NewCipher(key)
	if err != nil {
		tb.Fatal(err)
	}
	ctr := bytes.Clone(iv)
	binary.BigEndian.PutUint32(ctr[12:], uint32(offset/16))
	out := make([]byte, len(enc))
	cipher.NewCTR(block, ctr).XORKeyStream(out, enc)
	return out
}

// The CDN data center over real MTProto: its own key (listed by help.getCdnConfig, unknown to
// the ordinary DCs), its address in help.getConfig with the cdn flag, no authorization, and
// nothing but upload.getCdnFile and ping answered.
func TestCDNDataCenter(t *testing.T) {
	cl := startCluster(t, Config{DCs: 2, CDN: &CDNConfig{Key: testCDNKey(t)}})
	s := &Scenario{tb: t, cl: cl, timeout: 20 * time.Second}
	alice := s.User("alice")
	ctx := testCtx(t)
	api := alice.API()

	data := make([]byte, 3*128<<10+777)
	_, _ = crand.Read(data)
	if _, err := api.UploadSaveFilePart(ctx, &tg.UploadSaveFilePartRequest{FileID: 11, FilePart: 0, Bytes: data}); err != nil {
		t.Fatalf("upload.saveFilePart: %v", err)
	}
	m, err := api.MessagesUploadMedia(ctx, &tg.MessagesUploadMediaRequest{Peer: &tg.InputPeerSelf{}, Media: &tg.InputMediaUploadedDocument{
		File: &tg.InputFile{ID: 11, Parts: 1, Name: "cdn.bin"}, MimeType: "application/octet-stream", Attributes: []tg.DocumentAttributeClass{},
	}})
	if err != nil {
		t.Fatalf("messages.uploadMedia: %v", err)
	}
	doc := m.(*tg.MessageMediaDocument).Document.(*tg.Document)
	if err := cl.CDN().Serve(doc.ID); err != nil {
		t.Fatal(err)
	}

	// The master lists the CDN's address and key.
	cfg, err := api.HelpGetConfig(ctx, &tg.HelpGetConfigRequest{})
	if err != nil {
		t.Fatalf("help.getConfig: %v", err)
	}
	var listed string
	for _, o := range cfg.DCOptions {
		if o.Cdn {
			if o.ID != DefaultCDNDC || listed != "" {
				t.Fatalf("cdn option %+v (already listed %q)", o, listed)
			}
			listed = net.JoinHostPort(o.IPAddress, strconv.Itoa(int(o.Port)))
		}
	}
	if listed != cl.CDNAddr() || cl.Addr(DefaultCDNDC) != cl.CDNAddr() || len(cl.Addrs()) != 2 {
		t.Fatalf("help.getConfig lists the cdn at %q, cluster says %q, Addrs %v", listed, cl.CDNAddr(), cl.Addrs())
	}
	cdnCfg, err := api.HelpGetCdnConfig(ctx, &tg.HelpGetCdnConfigRequest{})
	if err != nil {
		t.Fatalf("help.getCdnConfig: %v", err)
	}
	if len(cdnCfg.PublicKeys) != 1 || cdnCfg.PublicKeys[0].DCID != DefaultCDNDC {
		t.Fatalf("help.getCdnConfig: %+v", cdnCfg)
	}
	keys, err := crypto.ParsePublicKeys([]byte(cdnCfg.PublicKeys[0].PublicKey))
	if err != nil || len(keys) != 1 || keys[0].Fingerprint != cl.CDNPublicKey().Fingerprint || keys[0].Fingerprint == cl.PublicKey().Fingerprint {
		t.Fatalf("cdn key from help.getCdnConfig: %v (%d keys)", err, len(keys))
	}

	// The master redirects the file.
	got, err := api.UploadGetFile(ctx, &tg.UploadGetFileRequest{
		CdnSupported: true, Location: &tg.InputDocumentFileLocation{ID: doc.ID, AccessHash: doc.AccessHash, FileReference: doc.FileReference},
		Limit: 1 << 20,
	})
	if err != nil {
		t.Fatalf("upload.getFile: %v", err)
	}
	red, ok := got.(*tg.UploadFileCdnRedirect)
	if !ok || red.DCID != DefaultCDNDC {
		t.Fatalf("upload.getFile answered %#v", got)
	}

	// A key exchange with the main key fails on the CDN: it only has its own.
	nc, err := net.Dial("tcp", cl.CDNAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(20 * time.Second))
	pc, err := transport.NewClientConn(nc, transport.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exchange.RunClient(ctx, pc, exchange.ClientConfig{Keys: cl.PublicKeys(), DC: DefaultCDNDC, Rand: crand.Reader}); !errors.Is(err, exchange.ErrNoKnownKey) {
		t.Fatalf("key exchange with the main key on the cdn: %v, want %v", err, exchange.ErrNoKnownKey)
	}

	// A fresh client with only the CDN key: no login, getCdnFile answers.
	cdn := dialCluster(t, cl, DefaultCDNDC, func(o *session.Options) { o.PublicKeys = []crypto.PublicKey{cl.CDNPublicKey()} })
	capi := tg.NewClient(cdn)
	for _, part := range []struct {
		offset int64
		limit  int32
	}{{0, 256 << 10}, {256 << 10, 128 << 10}, {384 << 10, 128 << 10}, {1 << 20, 4096}} {
		res, err := capi.UploadGetCdnFile(ctx, &tg.UploadGetCdnFileRequest{FileToken: red.FileToken, Offset: part.offset, Limit: part.limit})
		if err != nil {
			t.Fatalf("upload.getCdnFile(%d, %d): %v", part.offset, part.limit, err)
		}
		f, ok := res.(*tg.UploadCdnFile)
		if !ok {
			t.Fatalf("upload.getCdnFile(%d, %d) answered %T", part.offset, part.limit, res)
		}
		want := data[min(int64(len(data)), part.offset):min(int64(len(data)), part.offset+int64(part.limit))]
		if plain := cdnDecrypt(t, red.EncryptionKey, red.EncryptionIv, part.offset, f.Bytes); !bytes.Equal(plain, want) {
			t.Fatalf("part at %d: %d bytes decrypt to other data than the file's %d", part.offset, len(plain), len(want))
		}
	}
	var pong mt.Pong
	if err := cdn.Invoke(ctx, &mt.PingRequest{PingID: 77}, &pong); err != nil || pong.PingID != 77 {
		t.Fatalf("ping on the cdn: %+v, %v", pong, err)
	}

	refused := []struct {
		name string
		req  tl.Encoder
	}{
		{"help.getConfig", &tg.HelpGetConfigRequest{}},
		{"help.getCdnConfig", &tg.HelpGetCdnConfigRequest{}},
		{"upload.getFile", &tg.UploadGetFileRequest{Location: &tg.InputDocumentFileLocation{ID: doc.ID, AccessHash: doc.AccessHash, FileReference: doc.FileReference}, Limit: 4096}},
		{"upload.getCdnFileHashes", &tg.UploadGetCdnFileHashesRequest{FileToken: red.FileToken}},
		{"upload.saveFilePart", &tg.UploadSaveFilePartRequest{FileID: 1, Bytes: []byte{1}}},
		{"users.getUsers", &tg.UsersGetUsersRequest{ID: []tg.InputUserClass{&tg.InputUserSelf{}}}},
		{"invokeWithoutUpdates(help.getNearestDc)", &tg.InvokeWithoutUpdatesRequest{Query: &tg.HelpGetNearestDCRequest{}}},
		{"auth.bindTempAuthKey", &tg.AuthBindTempAuthKeyRequest{PermAuthKeyID: 1, Nonce: 2, ExpiresAt: 3, EncryptedMessage: []byte{4}}},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			err := cdn.Invoke(ctx, tc.req, &tg.Config{})
			if rpc, ok := rpcerr.As(err); !ok || rpc.Code != 400 || rpc.Message != services.ErrCDNMethodInvalid.Message {
				t.Fatalf("%s on the cdn: %v, want 400 %s", tc.name, err, services.ErrCDNMethodInvalid.Message)
			}
		})
	}

	// The master does not serve CDN parts, and the CDN's key means nothing to it.
	if _, err := api.UploadGetCdnFile(ctx, &tg.UploadGetCdnFileRequest{FileToken: red.FileToken, Limit: 4096}); err == nil {
		t.Fatal("the master served upload.getCdnFile")
	}
	if n := cl.CDNServer().AuthKeys(); n != 1 || cl.DC(DefaultCDNDC) != cl.CDNServer() || !cl.CDNServer().CDN() {
		t.Fatalf("cdn data center holds %d auth keys (want the one of the cdn client)", n)
	}

	// A tampered block decrypts to other bytes, while the master's hash stays that of the file.
	cl.CDN().Tamper(doc.ID, 128<<10)
	res, err := capi.UploadGetCdnFile(ctx, &tg.UploadGetCdnFileRequest{FileToken: red.FileToken, Offset: 128 << 10, Limit: 128 << 10})
	if err != nil {
		t.Fatal(err)
	}
	if plain := cdnDecrypt(t, red.EncryptionKey, red.EncryptionIv, 128<<10, res.(*tg.UploadCdnFile).Bytes); bytes.Equal(plain, data[128<<10:256<<10]) {
		t.Fatal("the tampered block arrived intact")
	}
}

func TestCDNConfig(t *testing.T) {
	plain := startCluster(t, Config{DCs: 2})
	if plain.CDN() != nil || plain.CDNServer() != nil || plain.CDNAddr() != "" || plain.CDNPublicKeyPEM() != nil || plain.DC(DefaultCDNDC) != nil {
		t.Fatal("a cluster without Config.CDN has a cdn")
	}
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"dc of an ordinary data center", Config{DCs: 3, Key: testKey(t), CDN: &CDNConfig{DC: 2, Key: testCDNKey(t)}}},
		{"negative dc", Config{DCs: 1, Key: testKey(t), CDN: &CDNConfig{DC: -5, Key: testCDNKey(t)}}},
		{"the main key", Config{DCs: 1, Key: testKey(t), CDN: &CDNConfig{Key: testKey(t)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl, err := Start(tc.cfg)
			if err == nil {
				_ = cl.Close()
			}
			if !errors.Is(err, ErrCDNConfig) {
				t.Fatalf("Start = %v, want %v", err, ErrCDNConfig)
			}
		})
	}
	cl := startCluster(t, Config{DCs: 1, CDN: &CDNConfig{DC: 250, Key: testCDNKey(t)}})
	if cl.CDN().DC() != 250 || cl.CDNServer().DC() != 250 || cl.Addr(250) == "" {
		t.Fatalf("cdn dc %d", cl.CDN().DC())
	}
}
