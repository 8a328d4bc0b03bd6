// Package exchange creates MTProto auth keys: the Diffie-Hellman key exchange of
// core.telegram.org/mtproto/auth_key, client and server side, with every check of Telegram's
// security guidelines and optional temporary keys for perfect forward secrecy.
//
// Each side is a chain of typestate steps with pure insides: a step takes the peer's message
// (a TL body), returns the message to send and a value of a new type that alone can take the
// next answer, so steps cannot run out of order. Steps do no I/O; the exported ones draw
// randomness from the configured io.Reader and read the configured clock, and each has an
// unexported twin that takes the random bytes and the time as arguments (the tests replay
// Telegram's worked example through them).
//
//	client                                   server
//	NewClient(cfg).ReqPQ        req_pq_multi  -> NewServer(cfg).OnReqPQ
//	ClientAwaitResPQ.OnResPQ    <- resPQ
//	                            req_DH_params -> ServerAwaitDHParams.OnReqDHParams
//	ClientAwaitDHParams.OnServerDHParams <- server_DH_params_ok
//	                     set_client_DH_params -> ServerAwaitClientDH.OnSetClientDHParams
//	ClientAwaitDHGen.OnDHGen    <- dh_gen_ok | dh_gen_retry | dh_gen_fail
//
// Every failed check returns its own error (ErrNonce, ErrServerNonce, ErrNoKnownKey, ErrPQ,
// ErrAnswerHash, ErrDHPrime, ErrDHGroup, ErrGA, ErrGB, ErrNewNonceHash, ...), wrapped with the
// message it was found in; nothing from a message that fails a check is kept.
//
// RunClient and RunServer drive the steps over a Conn (transport.Conn fits), framing each message
// as an unencrypted MTProto message with AppendPlain and ParsePlain. A server that multiplexes
// encrypted and unencrypted traffic on one connection can instead use IsPlain to route packets
// and call the steps itself.
//
// For perfect forward secrecy, ClientConfig.Temp asks for a temporary key
// (p_q_inner_data_temp_dc); BindMessage builds auth.bindTempAuthKey's encrypted_message and
// CheckBind verifies it on the server.
package exchange
