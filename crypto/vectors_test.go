package crypto

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The vectors in testdata are copied from /work/shared/vectors: Telegram's worked example of
// the key exchange (core.telegram.org/mtproto/samples-auth_key) and values derived from it.

type sampleJSON struct {
	Step2 struct {
		ServerNonce  string   `json:"server_nonce"`
		PQ           string   `json:"pq"`
		Fingerprints []string `json:"fingerprints"`
	} `json:"step2_resPQ"`
	Step3 struct {
		PQ, P, Q string
	} `json:"step3_factorization"`
	Step4 struct {
		NewNonce string `json:"new_nonce"`
	} `json:"step4_p_q_inner_data"`
	Step5 struct {
		EncryptedAnswer string `json:"encrypted_answer"`
		TmpAESKey       string `json:"tmp_aes_key"`
		TmpAESIV        string `json:"tmp_aes_iv"`
		Answer          string `json:"answer"`
	} `json:"step5_server_DH_params_ok"`
	Inner struct {
		G       int    `json:"g"`
		DHPrime string `json:"dh_prime"`
		GA      string `json:"g_a"`
	} `json:"step5_server_DH_inner_data"`
	Step6 struct {
		B             string `json:"b"`
		GB            string `json:"g_b"`
		EncryptedData string `json:"encrypted_data"`
	} `json:"step6_client"`
	AuthKey string `json:"step7_auth_key"`
	Step9   struct {
		NewNonceHash1 string `json:"new_nonce_hash1"`
	} `json:"step9_dh_gen_ok"`
}

type derivedJSON struct {
	IGE []struct {
		Name       string
		Key        string
		IV         string
		PlainAns   string `json:"plaintext_answer_with_hash"`
		PlainData  string `json:"plaintext_data_with_hash"`
		Ciphertext string
	} `json:"ige_vectors"`
	AuthKeySHA1 string `json:"auth_key_sha1"`
	AuthKeyID   string `json:"auth_key_id_bytes_wire"`
	AuxHash     string `json:"auth_key_aux_hash_bytes"`
	Salt        string `json:"initial_server_salt_bytes_wire"`
}

func loadJSON(t testing.TB, name string, v any) {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func samples(t testing.TB) (sampleJSON, derivedJSON) {
	var s sampleJSON
	var d derivedJSON
	loadJSON(t, "samples_auth_key.json", &s)
	loadJSON(t, "samples_auth_key_derived.json", &d)
	return s, d
}

func sampleAuthKey(t testing.TB, s sampleJSON) AuthKey {
	return NewAuthKey([256]byte(unhex(t, s.AuthKey)))
}

func TestSampleTmpAESKeyIV(t *testing.T) {
	s, _ := samples(t)
	key, iv := TmpAESKeyIV([32]byte(unhex(t, s.Step4.NewNonce)), [16]byte(unhex(t, s.Step2.ServerNonce)))
	if diff := cmp.Diff(unhex(t, s.Step5.TmpAESKey), key[:]); diff != "" {
		t.Errorf("tmp_aes_key (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(unhex(t, s.Step5.TmpAESIV), iv[:]); diff != "" {
		t.Errorf("tmp_aes_iv (-want +got):\n%s", diff)
	}
}

func TestSampleIGE(t *testing.T) {
	_, d := samples(t)
	if len(d.IGE) != 2 {
		t.Fatalf("want 2 IGE vectors, got %d", len(d.IGE))
	}
	for _, v := range d.IGE {
		t.Run(v.Name, func(t *testing.T) {
			key, iv := unhex(t, v.Key), unhex(t, v.IV)
			plain := unhex(t, v.PlainAns+v.PlainData)
			ct := unhex(t, v.Ciphertext)
			got := make([]byte, len(ct))
			if err := IGEDecrypt(got, ct, key, iv); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(plain, got); diff != "" {
				t.Errorf("decrypt (-want +got):\n%s", diff)
			}
			if err := IGEEncrypt(got, plain, key, iv); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(ct, got); diff != "" {
				t.Errorf("encrypt (-want +got):\n%s", diff)
			}
			// In place, both directions.
			buf := bytes.Clone(ct)
			if err := IGEDecrypt(buf, buf, key, iv); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf, plain) {
				t.Error("in-place decrypt differs")
			}
			if err := IGEEncrypt(buf, buf, key, iv); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf, ct) {
				t.Error("in-place encrypt differs")
			}
		})
	}
}

// TestSampleAnswer checks that the decrypted server_DH_params_ok answer is SHA1(answer) followed
// by the answer the page prints (plus padding), tying the IGE vector to the page's values.
func TestSampleAnswer(t *testing.T) {
	s, d := samples(t)
	plain := unhex(t, d.IGE[0].PlainAns)
	answer := unhex(t, s.Step5.Answer)
	if !bytes.Equal(plain[20:20+len(answer)], answer) {
		t.Fatal("decrypted answer does not contain the page's answer")
	}
	if len(plain)-20-len(answer) >= 16 {
		t.Fatalf("padding %d too long", len(plain)-20-len(answer))
	}
	if ct := unhex(t, s.Step5.EncryptedAnswer); !bytes.Equal(ct, unhex(t, d.IGE[0].Ciphertext)) {
		t.Fatal("derived ciphertext is not the page's encrypted_answer")
	}
	if ct := unhex(t, s.Step6.EncryptedData); !bytes.Equal(ct, unhex(t, d.IGE[1].Ciphertext)) {
		t.Fatal("derived ciphertext is not the page's client encrypted_data")
	}
}

func TestSampleDH(t *testing.T) {
	s, _ := samples(t)
	p := new(big.Int).SetBytes(unhex(t, s.Inner.DHPrime))
	g := big.NewInt(int64(s.Inner.G))
	ga := new(big.Int).SetBytes(unhex(t, s.Inner.GA))
	b := new(big.Int).SetBytes(unhex(t, s.Step6.B))

	gb := new(big.Int).Exp(g, b, p)
	if diff := cmp.Diff(unhex(t, s.Step6.GB), gb.Bytes()); diff != "" {
		t.Errorf("g_b (-want +got):\n%s", diff)
	}
	key, err := NewAuthKeyFromInt(new(big.Int).Exp(ga, b, p))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(unhex(t, s.AuthKey), key.Value[:]); diff != "" {
		t.Errorf("auth_key (-want +got):\n%s", diff)
	}
	if err := CheckDHPublic(ga, p); err != nil {
		t.Errorf("g_a: %v", err)
	}
	if err := CheckDHPublic(gb, p); err != nil {
		t.Errorf("g_b: %v", err)
	}
	if err := CheckDHPrime(p); err != nil {
		t.Errorf("dh_prime: %v", err)
	}
	// The sample pairs g = 2 with p mod 8 = 3, which the subgroup rule rejects.
	if err := CheckDHGroup(s.Inner.G, p); !errorIs(err, ErrDHSubgroup) {
		t.Errorf("CheckDHGroup(2, sample p) = %v, want ErrDHSubgroup", err)
	}
	if err := CheckDHGroup(3, p); err != nil {
		t.Errorf("CheckDHGroup(3, sample p) = %v", err)
	}
}

func TestSampleAuthKeyDerived(t *testing.T) {
	s, d := samples(t)
	key := sampleAuthKey(t, s)
	if diff := cmp.Diff(unhex(t, d.AuthKeyID), key.ID[:]); diff != "" {
		t.Errorf("auth_key_id (-want +got):\n%s", diff)
	}
	aux := AuxHash(&key)
	if diff := cmp.Diff(unhex(t, d.AuxHash), aux[:]); diff != "" {
		t.Errorf("auth_key_aux_hash (-want +got):\n%s", diff)
	}
	if got := unhex(t, d.AuthKeySHA1); !bytes.Equal(got[12:], key.ID[:]) || !bytes.Equal(got[:8], aux[:]) {
		t.Error("auth_key_id and aux hash are not the ends of SHA1(auth_key)")
	}
	nn := [32]byte(unhex(t, s.Step4.NewNonce))
	h1 := NewNonceHash(nn, 1, &key)
	if diff := cmp.Diff(unhex(t, s.Step9.NewNonceHash1), h1[:]); diff != "" {
		t.Errorf("new_nonce_hash1 (-want +got):\n%s", diff)
	}
	if h2, h3 := NewNonceHash(nn, 2, &key), NewNonceHash(nn, 3, &key); h2 == h1 || h3 == h1 || h2 == h3 {
		t.Error("new_nonce_hash 1, 2 and 3 are not distinct")
	}
	salt := InitialSalt(nn, [16]byte(unhex(t, s.Step2.ServerNonce)))
	var wire [8]byte
	for i := range wire {
		wire[i] = byte(uint64(salt) >> (8 * i))
	}
	if diff := cmp.Diff(unhex(t, d.Salt), wire[:]); diff != "" {
		t.Errorf("server_salt (-want +got):\n%s", diff)
	}
}

func TestSampleFactorize(t *testing.T) {
	s, _ := samples(t)
	pq := new(big.Int).SetBytes(unhex(t, s.Step3.PQ)).Uint64()
	p, q, err := Factorize(pq)
	if err != nil {
		t.Fatal(err)
	}
	wantP := new(big.Int).SetBytes(unhex(t, s.Step3.P)).Uint64()
	wantQ := new(big.Int).SetBytes(unhex(t, s.Step3.Q)).Uint64()
	if p != wantP || q != wantQ {
		t.Errorf("Factorize(%#x) = %#x, %#x; want %#x, %#x", pq, p, q, wantP, wantQ)
	}
}

func TestPublishedDHPrime(t *testing.T) {
	s, _ := samples(t)
	data, err := os.ReadFile("testdata/security_guidelines_dh_prime.txt")
	if err != nil {
		t.Fatal(err)
	}
	var hexDigits strings.Builder
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "#") {
			hexDigits.WriteString(line)
		}
	}
	published := unhex(t, hexDigits.String())
	if !bytes.Equal(published, KnownDHPrime.Bytes()) {
		t.Fatal("KnownDHPrime differs from the security guidelines' prime")
	}
	if !bytes.Equal(published, unhex(t, s.Inner.DHPrime)) {
		t.Fatal("sample dh_prime differs from the published one")
	}
	// Verify the published prime the slow way, bypassing the cache.
	p := new(big.Int).SetBytes(published)
	if !p.ProbablyPrime(millerRabinRounds) || !new(big.Int).Rsh(p, 1).ProbablyPrime(millerRabinRounds) {
		t.Fatal("published dh_prime is not a safe prime")
	}
}
