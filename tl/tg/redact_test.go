package tg

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tltest"
)

// TestRedactedInside: a request, message or box that holds a type with secret fields, by
// pointer, by value or inside a wrapper's query, prints without the secrets too: fmt asks the
// held value's Format, slog's JSON handler and encoding/json its MarshalJSON; a struct holding
// one by value prints itself, as fmt asks no method inside a pointer it prints under %s.
// (TestRedacted, generated, covers each listed type alone.)
func TestRedactedInside(t *testing.T) {
	srp := func(secret *tltest.Rand) *InputCheckPasswordSRP {
		return &InputCheckPasswordSRP{SRPID: 7, A: secret.Bytes(), M1: secret.Bytes()}
	}
	tltest.Redacted(t, []tltest.RedactCase{
		{Name: "auth.checkPassword", New: func(_, secret *tltest.Rand) any {
			return &AuthCheckPasswordRequest{Password: srp(secret)}
		}},
		{Name: "account.updatePasswordSettings", New: func(_, secret *tltest.Rand) any {
			return &AccountUpdatePasswordSettingsRequest{
				Password: srp(secret),
				NewSettings: AccountPasswordInputSettings{ // held by value
					NewAlgo:           &PasswordKdfAlgoUnknown{},
					NewPasswordHash:   tl.Some(secret.Bytes()),
					Hint:              tl.Some("hint"),
					NewSecureSettings: &SecureSecretSettings{SecureAlgo: &SecurePasswordKdfAlgoUnknown{}, SecureSecret: secret.Bytes()},
				},
			}
		}},
		{Name: "invokeWithLayer(initConnection(auth.importBotAuthorization))", New: func(_, secret *tltest.Rand) any {
			return &InvokeWithLayerRequest{Layer: Layer, Query: &InitConnectionRequest{
				APIID: 1, DeviceModel: "d", SystemVersion: "s", AppVersion: "a", LangCode: "en",
				Query: &AuthImportBotAuthorizationRequest{APIID: 1, APIHash: "h", BotAuthToken: secret.String()},
			}}
		}},
		{Name: "payments.sendPaymentForm", New: func(_, secret *tltest.Rand) any {
			return &PaymentsSendPaymentFormRequest{
				FormID:      1,
				Invoice:     &InputInvoiceSlug{Slug: "s"},
				Credentials: &InputPaymentCredentials{Data: DataJSON{Data: secret.String()}},
			}
		}},
		{Name: "account.acceptAuthorization", New: func(_, secret *tltest.Rand) any {
			return &AccountAcceptAuthorizationRequest{BotID: 1, Scope: "s", PublicKey: "k", ValueHashes: []SecureValueHash{},
				Credentials: SecureCredentialsEncrypted{Data: secret.Bytes(), Hash: []byte{1}, Secret: secret.Bytes()}} // by value
		}},
		{Name: "messageService(messageActionSecureValuesSentMe)", New: func(_, secret *tltest.Rand) any {
			return &MessageService{ID: 1, PeerID: &PeerUser{UserID: 1}, Action: &MessageActionSecureValuesSentMe{
				Values:      []SecureValue{},
				Credentials: SecureCredentialsEncrypted{Data: secret.Bytes(), Hash: []byte{1}, Secret: secret.Bytes()},
			}}
		}},
		{Name: "auth.sendCode", New: func(_, secret *tltest.Rand) any {
			return &AuthSendCodeRequest{PhoneNumber: "1", APIID: 1, APIHash: secret.String(), Settings: CodeSettings{ // by value
				LogoutTokens: [][]byte{secret.Bytes(), secret.Bytes()}, Token: tl.Some(secret.String()),
			}}
		}},
		{Name: "auth.LoginToken box", New: func(_, secret *tltest.Rand) any {
			return &AuthLoginTokenClassBox{AuthLoginToken: &AuthLoginToken{Expires: 1, Token: secret.Bytes()}}
		}},
		{Name: "auth.authorization in a sign-in result", New: func(_, secret *tltest.Rand) any {
			return &AuthAuthorizationClassBox{AuthAuthorization: &AuthAuthorization{
				FutureAuthToken: tl.Some(secret.Bytes()), User: &UserEmpty{ID: 1},
			}}
		}},
	})
}

// TestNilPrints: a nil pointer of a type with secret fields prints as fmt, slog and
// encoding/json print a nil pointer, without a panic (Format takes the value).
func TestNilPrints(t *testing.T) {
	var m *AuthSignInRequest
	var text, js strings.Builder
	slog.New(slog.NewTextHandler(&text, nil)).Info("", "m", m)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("", "m", m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{fmt.Sprintf("%v", m), fmt.Sprintf("%+v", m), fmt.Sprintf("%s", m), fmt.Sprintf("%v", struct{ M any }{m}), string(b)}
	want := []string{"<nil>", "<nil>", "<nil>", "{<nil>}", "null"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("printed (-want +got):\n%s", diff)
	}
	if !strings.Contains(text.String(), "m=<nil>") || !strings.Contains(js.String(), `"m":null`) {
		t.Errorf("slog printed %q and %q", text.String(), js.String())
	}
}
