// Package memo is a bounded memo safe for concurrent use: what is
// rendered over and over (the same fragment for every component) is kept
// until the bound is reached, and computed every time after that.
package memo

import "sync"

// Map memoizes values by byte keys. The zero value is not usable; call New.
type Map[V any] struct {
	mu    sync.RWMutex
	m     map[string]V
	limit int
}

// New returns a Map that holds at most limit values.
func New[V any](limit int) *Map[V] {
	return &Map[V]{m: map[string]V{}, limit: limit}
}

// Get returns the value stored under key. Looking up does not copy key.
func (c *Map[V]) Get(key []byte) (V, bool) {
	c.mu.RLock()
	v, ok := c.m[string(key)]
	c.mu.RUnlock()
	return v, ok
}

// Put stores v under a copy of key, unless the Map is full.
func (c *Map[V]) Put(key []byte, v V) {
	c.mu.Lock()
	if len(c.m) < c.limit {
		c.m[string(key)] = v
	}
	c.mu.Unlock()
}

// GetString is Get for a key held as a string.
func (c *Map[V]) GetString(key string) (V, bool) {
	c.mu.RLock()
	v, ok := c.m[key]
	c.mu.RUnlock()
	return v, ok
}

// PutString is Put for a key held as a string.
func (c *Map[V]) PutString(key string, v V) {
	c.mu.Lock()
	if len(c.m) < c.limit {
		c.m[key] = v
	}
	c.mu.Unlock()
}

// Buffers recycles the byte buffers keys are built in.
var Buffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}
