#pragma once
// libw2v2 is built with hidden symbols: its public types and functions are the ones marked W2V2_API.
#define W2V2_API __attribute__((visibility("default")))
