int jcore_version(void) { return 230; }
