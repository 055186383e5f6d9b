package memo

import "testing"

// TestMapStopsAtItsLimit: values are kept until the limit, then dropped;
// a stored value is found by an equal key, even after the buffer it was
// stored from is reused.
func TestMapStopsAtItsLimit(t *testing.T) {
	m := New[string](2)
	buf := []byte("a")
	m.Put(buf, "1")
	buf[0] = 'b' // the buffer is reused for the next key
	m.Put(buf, "2")
	m.Put([]byte("c"), "3")
	for key, want := range map[string]string{"a": "1", "b": "2"} {
		if v, ok := m.Get([]byte(key)); !ok || v != want {
			t.Fatalf("%s: %q %v, want %q", key, v, ok, want)
		}
	}
	if _, ok := m.Get([]byte("c")); ok {
		t.Fatal("a value past the limit was kept")
	}
}

func TestStringKeysShareTheMap(t *testing.T) {
	m := New[int](2)
	m.PutString("a", 1)
	m.Put([]byte("b"), 2)
	m.PutString("c", 3)
	if v, ok := m.Get([]byte("a")); !ok || v != 1 {
		t.Fatalf("a: %d %v", v, ok)
	}
	if v, ok := m.GetString("b"); !ok || v != 2 {
		t.Fatalf("b: %d %v", v, ok)
	}
	if _, ok := m.GetString("c"); ok {
		t.Fatal("a value past the limit was kept")
	}
}
