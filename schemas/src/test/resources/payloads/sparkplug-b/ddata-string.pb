˜´Ùòž4
Mode“´Ùòž4 zMANUAL