package services

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/crypto/srp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestImportBotAuthorization(t *testing.T) {
	h := newHarness(t)
	bot, err := h.w.CreateBot(world.BotSpec{FirstName: "Echo", Username: "echo_bot", DC: 2})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		dc    int
		token string
		want  *RPCError
	}{
		{"ok", 2, bot.Token, nil},
		{"wrong hash", 2, bot.Token + "0", world.ErrAccessTokenInvalid},
		{"no colon", 2, "12345", world.ErrAccessTokenInvalid},
		{"not a number", 2, "abc:def", world.ErrAccessTokenInvalid},
		{"other dc", 4, bot.Token, world.Migrate("USER", 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := h.conn(tt.dc)
			api := tg.NewClient(c)
			res, err := api.AuthImportBotAuthorization(ctx(), &tg.AuthImportBotAuthorizationRequest{APIID: 1, APIHash: "x", BotAuthToken: tt.token})
			if tt.want != nil {
				wantRPC(t, err, tt.want)
				_, err := api.UpdatesGetState(ctx(), &tg.UpdatesGetStateRequest{})
				wantRPC(t, err, world.ErrAuthKeyUnregistered)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			u := res.(*tg.AuthAuthorization).User.(*tg.User)
			if !u.Self || !u.Bot || u.ID != bot.ID {
				t.Fatalf("authorized as %+v", u)
			}
			if _, err := api.UpdatesGetState(ctx(), &tg.UpdatesGetStateRequest{}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestPhoneLoginAndSignUp(t *testing.T) {
	h := newHarness(t)
	if _, err := h.w.CreateUser(world.UserSpec{FirstName: "Far", Phone: "79990000009", DC: 4}); err != nil {
		t.Fatal(err)
	}
	c := h.conn(2)
	api := tg.NewClient(c)

	// An account living on DC 4 is redirected there.
	_, err := api.AuthSendCode(ctx(), &tg.AuthSendCodeRequest{PhoneNumber: "79990000009"})
	wantRPC(t, err, world.Migrate("PHONE", 4))
	_, err = api.AuthSendCode(ctx(), &tg.AuthSendCodeRequest{PhoneNumber: "12"})
	wantRPC(t, err, world.ErrPhoneNumberInvalid)

	// A new phone: code, sign-in says sign up, sign-up creates the account.
	sent, err := api.AuthSendCode(ctx(), &tg.AuthSendCodeRequest{PhoneNumber: "79990000010"})
	if err != nil {
		t.Fatal(err)
	}
	sc := sent.(*tg.AuthSentCode)
	code, ok := h.w.AuthCode("79990000010")
	if !ok || len(code) != 5 {
		t.Fatalf("code %q", code)
	}
	signIn := func(code string) (tg.AuthAuthorizationClass, error) {
		req := &tg.AuthSignInRequest{PhoneNumber: "79990000010", PhoneCodeHash: sc.PhoneCodeHash}
		req.PhoneCode.Value, req.PhoneCode.Set = code, true
		return api.AuthSignIn(ctx(), req)
	}
	wrong := "00000"
	if code == wrong {
		wrong = "11111"
	}
	_, err = signIn(wrong)
	wantRPC(t, err, world.ErrPhoneCodeInvalid)
	res, err := signIn(code)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.(*tg.AuthAuthorizationSignUpRequired); !ok {
		t.Fatalf("sign in of a new phone = %T", res)
	}
	_, err = api.AuthSignUp(ctx(), &tg.AuthSignUpRequest{PhoneNumber: "79990000010", PhoneCodeHash: sc.PhoneCodeHash})
	wantRPC(t, err, world.ErrFirstNameInvalid)
	auth, err := api.AuthSignUp(ctx(), &tg.AuthSignUpRequest{PhoneNumber: "79990000010", PhoneCodeHash: sc.PhoneCodeHash, FirstName: "New"})
	if err != nil {
		t.Fatal(err)
	}
	me := auth.(*tg.AuthAuthorization).User.(*tg.User)
	if me.Phone.Value != "79990000010" || me.FirstName.Value != "New" || !me.Self {
		t.Fatalf("signed up as %+v", me)
	}

	// Log out: the key is no longer authorized.
	if _, err := api.AuthLogOut(ctx(), &tg.AuthLogOutRequest{}); err != nil {
		t.Fatal(err)
	}
	_, err = api.UpdatesGetState(ctx(), &tg.UpdatesGetStateRequest{})
	wantRPC(t, err, world.ErrAuthKeyUnregistered)
	_, err = api.AuthLogOut(ctx(), &tg.AuthLogOutRequest{})
	wantRPC(t, err, world.ErrAuthKeyUnregistered)
}

// TestTwoFactorLogin signs in with SRP as a real client would: account.getPassword, the
// client half of crypto/srp, auth.checkPassword.
func TestTwoFactorLogin(t *testing.T) {
	if testing.Short() {
		t.Skip("PBKDF2 with 100000 iterations")
	}
	h := newHarness(t)
	if _, err := h.w.CreateUser(world.UserSpec{FirstName: "Sec", Phone: "79990000020", Password: "hunter2"}); err != nil {
		t.Fatal(err)
	}
	c := h.conn(2)
	api := tg.NewClient(c)
	sent, err := api.AuthSendCode(ctx(), &tg.AuthSendCodeRequest{PhoneNumber: "79990000020"})
	if err != nil {
		t.Fatal(err)
	}
	code, _ := h.w.AuthCode("79990000020")
	req := &tg.AuthSignInRequest{PhoneNumber: "79990000020", PhoneCodeHash: sent.(*tg.AuthSentCode).PhoneCodeHash}
	req.PhoneCode.Value, req.PhoneCode.Set = code, true
	_, err = api.AuthSignIn(ctx(), req)
	wantRPC(t, err, world.ErrSessionPasswordNeeded)
	// Still unauthorized until the password is checked.
	_, err = api.UpdatesGetState(ctx(), &tg.UpdatesGetStateRequest{})
	wantRPC(t, err, world.ErrAuthKeyUnregistered)

	prove := func(password string) error {
		pw, err := api.AccountGetPassword(ctx(), &tg.AccountGetPasswordRequest{})
		if err != nil {
			t.Fatal(err)
		}
		algo := pw.CurrentAlgo.(*tg.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow)
		ans, err := srp.Check([]byte(password), srp.Params{Salt1: algo.Salt1, Salt2: algo.Salt2, G: int(algo.G), P: algo.P},
			pw.SRPB.Value, crypto.NewDeterministicReader(7))
		if err != nil {
			t.Fatal(err)
		}
		_, err = api.AuthCheckPassword(ctx(), &tg.AuthCheckPasswordRequest{Password: &tg.InputCheckPasswordSRP{
			SRPID: pw.SRPID.Value, A: ans.A, M1: ans.M1,
		}})
		return err
	}
	wantRPC(t, prove("wrong"), world.ErrPasswordHashInvalid)
	if err := prove("hunter2"); err != nil {
		t.Fatal(err)
	}
	if _, err := api.UpdatesGetState(ctx(), &tg.UpdatesGetStateRequest{}); err != nil {
		t.Fatal(err)
	}
}

func TestPasswordOfAccountWithout2FA(t *testing.T) {
	h := newHarness(t)
	a := h.user("Plain", "79990000030")
	pw, err := a.api.AccountGetPassword(ctx(), &tg.AccountGetPasswordRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if pw.HasPassword || pw.CurrentAlgo != nil || pw.NewAlgo == nil || len(pw.SecureRandom) != 32 {
		t.Fatalf("password = %+v", pw)
	}
	_, err = a.api.AuthCheckPassword(ctx(), &tg.AuthCheckPasswordRequest{Password: &tg.InputCheckPasswordSRP{}})
	wantRPC(t, err, world.ErrPasswordEmpty)
}

func TestExportImportAuthorization(t *testing.T) {
	h := newHarness(t)
	a := h.user("Mover", "79990000040")
	ex, err := a.api.AuthExportAuthorization(ctx(), &tg.AuthExportAuthorizationRequest{DCID: 4})
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.api.AuthExportAuthorization(ctx(), &tg.AuthExportAuthorizationRequest{DCID: int32(a.info.DC)})
	wantRPC(t, err, world.ErrDCIDInvalid)

	other := h.conn(4)
	api := tg.NewClient(other)
	_, err = api.AuthImportAuthorization(ctx(), &tg.AuthImportAuthorizationRequest{ID: ex.ID, Bytes: []byte("forged")})
	wantRPC(t, err, world.ErrAuthBytesInvalid)
	// Wrong DC.
	third := tg.NewClient(h.conn(3))
	_, err = third.AuthImportAuthorization(ctx(), &tg.AuthImportAuthorizationRequest{ID: ex.ID, Bytes: ex.Bytes})
	wantRPC(t, err, world.ErrAuthBytesInvalid)

	res, err := api.AuthImportAuthorization(ctx(), &tg.AuthImportAuthorizationRequest{ID: ex.ID, Bytes: ex.Bytes})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a.id, res.(*tg.AuthAuthorization).User.(*tg.User).ID); diff != "" {
		t.Fatal(diff)
	}
	// The bytes are single use.
	_, err = api.AuthImportAuthorization(ctx(), &tg.AuthImportAuthorizationRequest{ID: ex.ID, Bytes: ex.Bytes})
	wantRPC(t, err, world.ErrAuthBytesInvalid)
}
