// Package live is the fan-out hub behind the live channel: producers publish
// the latest state of a topic per view, and the hub delivers it to every
// subscribed connection, coalesced to each connection's rate. It knows
// nothing of HTTP, websockets or storage, so it can be tested and reasoned
// about on its own; the web adapter supplies Conn, the domain supplies the
// payloads and decides what each view may contain.
//
// Messages to clients are one JSON object per websocket text message; the
// payload goes into "data" raw, as the producer encoded it:
//
//	{"type":"snapshot","topic":"round:12","view":"public","seq":7,"data":{…}}  first delivery after (re)subscribe
//	{"type":"update","topic":"round:12","view":"public","seq":9,"data":{…}}    later deliveries; seq may skip (coalesced)
//	{"type":"error","topic":"round:12","code":"forbidden","message":"…"}
//	{"type":"hb"}                                                             heartbeat on an otherwise quiet connection
//
// A connection is closed with CloseSlow when it falls behind and with
// CloseShutdown when the server stops; either way the client reconnects,
// resubscribes and gets fresh snapshots, so no history is kept.
package live
