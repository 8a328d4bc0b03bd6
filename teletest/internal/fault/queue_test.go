package fault

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestQueue(t *testing.T) {
	type op struct {
		add  bool
		key  int
		v    string
		n    int
		want string // for Take: "" means no injection
	}
	tests := []struct {
		name string
		ops  []op
	}{
		{"empty", []op{{key: 1}}},
		{"once", []op{{add: true, key: 1, v: "a", n: 1}, {key: 1, want: "a"}, {key: 1}}},
		{"twice then next", []op{
			{add: true, key: 1, v: "a", n: 2}, {add: true, key: 1, v: "b", n: 1},
			{key: 1, want: "a"}, {key: 1, want: "a"}, {key: 1, want: "b"}, {key: 1},
		}},
		{"keys apart", []op{{add: true, key: 1, v: "a", n: 1}, {key: 2}, {key: 1, want: "a"}}},
		{"until cleared", []op{
			{add: true, key: 1, v: "a", n: 0}, {add: true, key: 1, v: "b", n: 1},
			{key: 1, want: "a"}, {key: 1, want: "a"}, {key: 1, want: "a"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var q Queue[int, string]
			var got, want []string
			for _, o := range tt.ops {
				if o.add {
					q.Add(o.key, o.v, o.n)
					continue
				}
				v, ok := q.Take(o.key)
				if ok != (v != "") {
					t.Fatalf("Take(%d) = %q, %v", o.key, v, ok)
				}
				got, want = append(got, v), append(want, o.want)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Fatalf("takes (-want +got):\n%s", d)
			}
		})
	}
}

func TestQueueClear(t *testing.T) {
	var q Queue[int, int]
	q.Add(1, 10, 0)
	q.Add(2, 20, 0)
	q.Clear(1)
	if _, ok := q.Take(1); ok {
		t.Fatal("key 1 fired after Clear")
	}
	if v, ok := q.Take(2); !ok || v != 20 {
		t.Fatalf("key 2 = %d, %v after clearing key 1", v, ok)
	}
	q.Reset()
	if _, ok := q.Take(2); ok {
		t.Fatal("key 2 fired after Reset")
	}
}
