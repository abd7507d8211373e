#pragma once

#include <string>

namespace w2v2 {

// The model folder used when none is given (--model, RecognizerOptions::model_dir): $W2V2_MODEL when set, else
// models/default under the working folder, else the installed <prefix>/share/w2v2/models/default (the prefix
// configured, or the one the running binary or libw2v2.so sits in); the first with a config.json. "" when none.
std::string default_model_dir();

// default_model_dir(), or a ConfigError that says where it looked.
std::string require_default_model_dir();

}  // namespace w2v2
