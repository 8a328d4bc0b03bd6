package exchange

import "errors"

// One error per check of Telegram's security guidelines (and per protocol failure), so a test or a
// log says exactly which check failed. Errors from crypto (a composite dh_prime, a g_a too close
// to p, ...) are wrapped alongside, so both errors.Is(err, ErrDHPrime) and
// errors.Is(err, crypto.ErrDHPrimeNotSafe) hold.
var (
	// ErrFraming reports an unencrypted message that is not auth_key_id 0, msg_id, length, body
	// (wrong key id, inconsistent length, msg_id of the wrong parity).
	ErrFraming = errors.New("exchange: malformed unencrypted message")
	// ErrUnexpectedMessage reports a message that is not the one this step waits for, or that
	// does not decode.
	ErrUnexpectedMessage = errors.New("exchange: unexpected message")
	// ErrNonce reports a nonce that does not echo the client's.
	ErrNonce = errors.New("exchange: nonce mismatch")
	// ErrServerNonce reports a server_nonce that differs from the one in resPQ.
	ErrServerNonce = errors.New("exchange: server_nonce mismatch")
	// ErrNoKnownKey reports a resPQ none of whose fingerprints belongs to a known server key.
	ErrNoKnownKey = errors.New("exchange: no known RSA key among the server's fingerprints")
	// ErrPQ reports a pq that is not the product of two primes that fit the protocol.
	ErrPQ = errors.New("exchange: invalid pq")
	// ErrKeyFingerprint reports a req_DH_params for a key the server does not hold (server side).
	ErrKeyFingerprint = errors.New("exchange: unknown public key fingerprint")
	// ErrInnerData reports an RSA-encrypted p_q_inner_data that does not decrypt or does not
	// match the request (server side).
	ErrInnerData = errors.New("exchange: invalid p_q_inner_data")
	// ErrDHParamsFail reports server_DH_params_fail: the server refused the request.
	ErrDHParamsFail = errors.New("exchange: server answered server_DH_params_fail")
	// ErrEncryptedLength reports encrypted data that is not a positive multiple of 16 bytes.
	ErrEncryptedLength = errors.New("exchange: encrypted data length is not a multiple of 16")
	// ErrAnswerHash reports decrypted data whose SHA-1 prefix does not match its contents, or
	// whose padding is 16 bytes or more.
	ErrAnswerHash = errors.New("exchange: SHA-1 of the decrypted data does not match")
	// ErrDHPrime reports a dh_prime that is not a 2048-bit safe prime.
	ErrDHPrime = errors.New("exchange: invalid dh_prime")
	// ErrDHGroup reports a g outside 2..7 or one that does not generate the prime-order subgroup.
	ErrDHGroup = errors.New("exchange: invalid g for dh_prime")
	// ErrGA reports a server g_a outside the safe range.
	ErrGA = errors.New("exchange: g_a out of range")
	// ErrGB reports a client g_b outside the safe range.
	ErrGB = errors.New("exchange: g_b out of range")
	// ErrServerTime reports a server_time in server_DH_inner_data the client will not set its
	// clock to; the error wraps mtp.ErrClockOffset too, which says why. The exchange is
	// refused rather than the offset ignored: the engine judges every message by the
	// server's clock, and a server whose clock it cannot follow would reject every call
	// sent under the new key.
	ErrServerTime = errors.New("exchange: server_time refused")
	// ErrRetryID reports a client_DH_inner_data whose retry_id is not the expected one (server
	// side).
	ErrRetryID = errors.New("exchange: wrong retry_id")
	// ErrNewNonceHash reports a new_nonce_hash1, 2 or 3 (or server_DH_params_fail's
	// new_nonce_hash) that does not match.
	ErrNewNonceHash = errors.New("exchange: new_nonce_hash mismatch")
	// ErrDHGenFail reports dh_gen_fail: the server rejected the key.
	ErrDHGenFail = errors.New("exchange: server answered dh_gen_fail")
	// ErrRetryLimit reports more dh_gen_retry answers than the client accepts.
	ErrRetryLimit = errors.New("exchange: too many dh_gen_retry answers")
	// ErrRandom reports a failure of the randomness source.
	ErrRandom = errors.New("exchange: reading randomness")
	// ErrBind reports an auth.bindTempAuthKey whose encrypted_message does not decrypt under the
	// permanent key or does not match the request.
	ErrBind = errors.New("exchange: invalid temporary key binding")
	// ErrConfig reports an unusable ClientConfig or ServerConfig.
	ErrConfig = errors.New("exchange: invalid configuration")
)
