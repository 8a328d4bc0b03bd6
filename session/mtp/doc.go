// Package mtp is the MTProto 2.0 session engine: a sans-IO core that turns calls into encrypted
// packets and received packets into results, for either side of a connection.
//
// An Engine does no I/O, starts no goroutine and reads no clock: the loop that owns it (package
// session's Conn on the client, the integration test server on the other side) feeds it
// request bodies with Enqueue, received packets with Receive and the current time with every
// call, writes the packets Flush returns, and sets one timer to NextDeadline, calling OnTimer
// when it fires. The Engine is not safe for concurrent use: one goroutine owns it.
//
// What it does:
//   - msg_id from the server-corrected clock (strictly increasing, divisible by 4 on the client;
//     1 or 3 modulo 4 on the server), seqno for content-related and other messages, salts
//     (current, future salts fetched ahead of expiry, bad_server_salt);
//   - outgoing batching into msg_container with a size and count cap, gzip_packed for large
//     bodies, invokeAfterMsg for ordered calls;
//   - inbound checks: auth_key_id and msg_key (package crypto), session_id, msg_id parity, a
//     replay window, message time (>30 s in the future or >300 s in the past once the clock is
//     synced), containers not nested, gzip_packed unpacked with a cap per value and a budget
//     per packet;
//   - rpc_result routing by req_msg_id, rpc_error reported with its code and message, results
//     nobody waits for dropped; acks batched by count and delay;
//   - bad_msg_notification codes 16, 17 (clock corrected to any plausible server time, from
//     1970 to a month before 2038-01-19, optionally within Config.MaxClockOffset; a new
//     session when the corrected clock is behind the msg_ids sent; ErrClockOffset after four
//     corrections refused in a row), 32, 33
//     (seqno corrected), 48 (salt) and 64 (container) fixed and the messages re-sent;
//     new_session_created, msgs_state_req, msgs_state_info, msg_resend_req and
//     msg_detailed_info handled as the protocol says;
//   - keepalive with ping_delay_disconnect whose pong timeout follows the measured RTT
//     (ErrHealthTimeout when a pong is missing);
//   - on the server side: new_session_created, salt and msg_id checks answered with
//     bad_server_salt and bad_msg_notification, pong, future_salts, rpc_drop_answer and
//     msgs_state_req answered, destroy_session about another session handed up as
//     EventDestroySession (the loop knows the sessions; AnswerDestroySession answers it),
//     everything else handed up as EventRequest; the rpc_results and
//     pushed messages it sent kept until the client acknowledges them (bounded by
//     Config.RetainMessages and RetainBytes) and sent again under their msg_ids by OnConnect
//     and on msg_resend_req, as Telegram resends what a broken connection may have lost.
//
// Byte slices in returned events alias the packet given to Receive (or a buffer the Engine
// allocated for a gunzipped body): they stay valid as long as the caller keeps that packet
// unchanged, and the event slice itself is reused by the next Receive or OnTimer call.
package mtp
