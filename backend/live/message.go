package live

import (
	"encoding/json"
	"strconv"
	"sync"
)

// version is one published payload of a (topic, view). It is immutable once
// stored, so writers read it without the hub lock; the encoded messages are
// built at most once per version, however many clients receive it.
type version struct {
	seq     uint64
	payload []byte
	head    []byte // `"topic":…,"view":…`, shared by all versions of a view

	updOnce, snapOnce sync.Once
	upd, snap         []byte
}

// update is the message for clients that already hold an earlier version.
func (v *version) update() []byte {
	v.updOnce.Do(func() { v.upd = v.encode("update") })
	return v.upd
}

// snapshot is the first message after a (re)subscribe.
func (v *version) snapshot() []byte {
	v.snapOnce.Do(func() { v.snap = v.encode("snapshot") })
	return v.snap
}

// encode inserts the payload raw: producers hand in encoded JSON, and
// re-encoding it per message would cost the fan-out its cheapness.
func (v *version) encode(kind string) []byte {
	b := make([]byte, 0, len(v.head)+len(v.payload)+64)
	b = append(b, `{"type":"`...)
	b = append(b, kind...)
	b = append(b, `",`...)
	b = append(b, v.head...)
	b = append(b, `,"seq":`...)
	b = strconv.AppendUint(b, v.seq, 10)
	b = append(b, `,"data":`...)
	if len(v.payload) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, v.payload...)
	}
	return append(b, '}')
}

// encodeHead is the topic and view part of every message of a view, encoded
// once when the view is first seen.
func encodeHead(topic, view string) []byte {
	t, _ := json.Marshal(topic)
	w, _ := json.Marshal(view)
	b := append([]byte(`"topic":`), t...)
	b = append(b, `,"view":`...)
	return append(b, w...)
}

var heartbeat = []byte(`{"type":"hb"}`)

func encodeError(topic, code, message string) []byte {
	b, _ := json.Marshal(struct {
		Type    string `json:"type"`
		Topic   string `json:"topic"`
		Code    string `json:"code"`
		Message string `json:"message"`
	}{"error", topic, code, message})
	return b
}

// out is one message picked for a flush: a version (encoded lazily, outside
// the hub lock) or a ready message.
type out struct {
	v    *version
	snap bool
	raw  []byte
}

func (o out) bytes() []byte {
	switch {
	case o.raw != nil:
		return o.raw
	case o.snap:
		return o.v.snapshot()
	default:
		return o.v.update()
	}
}
