int jiagu_stub(void) { return 0; }
