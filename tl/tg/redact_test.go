package tg

import (
	"testing"

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
