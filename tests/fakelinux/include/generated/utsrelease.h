#define UTS_RELEASE "6.99.0-fake"
