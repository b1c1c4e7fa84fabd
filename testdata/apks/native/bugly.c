int bugly_native_init(void) { return 0; }
