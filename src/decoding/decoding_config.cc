#include "decoding/decoding_config.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "common/error.h"
#include "common/json_limits.h"

namespace w2v2 {
namespace {

namespace fs = std::filesystem;

constexpr double kDefaultLmWeight = 0.5;
constexpr double kDefaultWordScore = 1.0;
constexpr double kDefaultUnkScoreOffset = -10.0;
constexpr bool kDefaultScoreBoundary = true;

// What a Hugging Face Wav2Vec2ProcessorWithLM language_model/attrs.json says (pyctcdecode's LanguageModel
// attributes); a field it leaves out (or null) stays unset.
struct LmAttributes {
  std::optional<double> alpha, beta, unk_score_offset;
  std::optional<bool> score_boundary;
};

LmAttributes read_attributes(const fs::path& path) {
  const std::string where = path.string();
  const nlohmann::json j = parse_json_bounded<ModelLoadError>(read_text_file(where), where);
  W2V2_CHECK_AS(ModelLoadError, j.is_object(), where, ": not a JSON object");
  LmAttributes a;
  auto number = [&](const char* key, std::optional<double>& out) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return;
    W2V2_CHECK_AS(ModelLoadError, it->is_number(), where, ": \"", key, "\" is not a number (", json_excerpt(*it), ")");
    const double v = it->get<double>();
    W2V2_CHECK_AS(ModelLoadError, std::isfinite(v), where, ": \"", key, "\" is not finite");
    out = v;
  };
  number("alpha", a.alpha);
  number("beta", a.beta);
  number("unk_score_offset", a.unk_score_offset);
  if (const auto it = j.find("score_boundary"); it != j.end() && !it->is_null()) {
    W2V2_CHECK_AS(ModelLoadError, it->is_boolean(), where, ": \"score_boundary\" is not true or false (",
                  json_excerpt(*it), ")");
    a.score_boundary = it->get<bool>();
  }
  W2V2_CHECK_AS(ModelLoadError, !a.alpha || *a.alpha >= 0, where, ": \"alpha\" must be >= 0, not ", *a.alpha);
  W2V2_CHECK_AS(ModelLoadError, !a.unk_score_offset || *a.unk_score_offset <= 0, where,
                ": \"unk_score_offset\" must be <= 0, not ", *a.unk_score_offset);
  return a;
}

bool ends_with(const std::string& s, const char* suffix) {
  const size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

// Refuses a KenLM binary (what pyctcdecode folders often hold, e.g. 5gram.bin): w2v2 reads ARPA and .w2lm.
void refuse_kenlm_binary(const fs::path& path) {
  static constexpr char kMagic[] = "mmap lm http://kheafield.com/code";
  char head[sizeof kMagic - 1] = {};
  std::ifstream in(path, std::ios::binary);
  in.read(head, sizeof head);
  if (in.gcount() == static_cast<std::streamsize>(sizeof head) && std::memcmp(head, kMagic, sizeof head) == 0) {
    throw LanguageModelError(path.string() +
                             ": a KenLM binary, which w2v2 cannot read; give the ARPA file it was built from "
                             "(.arpa or .arpa.gz; `w2v2 lm-compile X.arpa -o X.w2lm` makes the fast-loading form)");
  }
}

// The LM file of a language_model/ folder: a .w2lm when there is one, else an .arpa / .arpa.gz. Any other
// file (but attrs.json and unigrams.txt) is looked at only to refuse a KenLM binary by name.
fs::path find_lm_file(const fs::path& folder) {
  std::vector<fs::path> w2lm, arpa, other;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string name = it->path().filename().string();
    if (ends_with(name, ".w2lm")) {
      w2lm.push_back(it->path());
    } else if (ends_with(name, ".arpa") || ends_with(name, ".arpa.gz")) {
      arpa.push_back(it->path());
    } else if (name != "attrs.json" && name != "unigrams.txt" && name[0] != '.') {
      other.push_back(it->path());
    }
  }
  W2V2_CHECK_AS(LanguageModelError, !ec, folder.string(), ": cannot list (", ec.message(), ")");
  for (std::vector<fs::path>* kind : {&w2lm, &arpa}) {
    if (kind->empty()) continue;
    std::sort(kind->begin(), kind->end());
    if (kind->size() > 1) {
      throw LanguageModelError(folder.string() + ": several language models (" + (*kind)[0].filename().string() +
                               ", " + (*kind)[1].filename().string() + "); keep one, or choose with --lm FILE");
    }
    return kind->front();
  }
  std::sort(other.begin(), other.end());
  for (const fs::path& p : other) refuse_kenlm_binary(p);
  throw LanguageModelError(folder.string() +
                           ": holds no language model (a .w2lm, .arpa or .arpa.gz file); remove the folder or "
                           "decode with --lm none / --decoder greedy");
}

bool is_regular_file(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

}  // namespace

const char* to_string(DecoderKind kind) {
  switch (kind) {
    case DecoderKind::kAuto: return "auto";
    case DecoderKind::kGreedy: return "greedy";
    case DecoderKind::kBeam: return "beam";
  }
  return "?";
}

bool parse_decoder_kind(const std::string& text, DecoderKind& kind) {
  for (DecoderKind k : {DecoderKind::kAuto, DecoderKind::kGreedy, DecoderKind::kBeam}) {
    if (text == to_string(k)) {
      kind = k;
      return true;
    }
  }
  return false;
}

void DecodingConfig::validate() const {
  std::vector<std::string> problems;
  try {
    beam.validate();
  } catch (const ConfigError& e) {
    problems.push_back(e.what());
  }
  auto finite = [&](const std::optional<double>& v, const char* flag) {
    if (v && !std::isfinite(*v)) problems.push_back(std::string(flag) + " must be a finite number");
  };
  finite(lm_weight, "--lm-weight");
  finite(word_score, "--word-score");
  finite(unk_score_offset, "--unk-score-offset");
  if (lm_weight && *lm_weight < 0) problems.push_back("--lm-weight must be >= 0");
  if (unk_score_offset && *unk_score_offset > 0) problems.push_back("--unk-score-offset must be <= 0");
  if (!(hotword_boost > 0 && hotword_boost <= 100)) problems.push_back("--hotword-boost must be in (0, 100]");
  throw_if_problems("invalid decoding settings:", problems);
}

DecodingConfig DecodingConfig::resolve(const std::string& model_dir) const {
  validate();
  DecodingConfig out = *this;
  const bool greedy = decoder == DecoderKind::kGreedy;
  LmAttributes attrs;
  out.lm.clear();
  if (lm == "none") {
    // no LM
  } else if (!lm.empty()) {
    if (greedy) {
      spdlog::warn("--decoder greedy: the language model {} is not used", lm);
    } else {
      W2V2_CHECK_AS(ConfigError, is_regular_file(lm), "--lm ", lm, ": no such file");
      refuse_kenlm_binary(lm);
      out.lm = lm;
      // The weights tuned for it, when it lies in a language_model/ folder as Hugging Face saves one.
      const fs::path attrs_path = fs::path(lm).parent_path() / "attrs.json";
      if (is_regular_file(attrs_path.string())) attrs = read_attributes(attrs_path);
    }
  } else if (!greedy) {
    const fs::path folder = fs::path(model_dir) / "language_model";
    std::error_code ec;
    if (fs::is_directory(folder, ec)) {
      out.lm = find_lm_file(folder).string();
      const fs::path attrs_path = folder / "attrs.json";
      if (is_regular_file(attrs_path.string())) attrs = read_attributes(attrs_path);
    }
  }
  out.lm_weight = lm_weight ? *lm_weight : attrs.alpha.value_or(kDefaultLmWeight);
  out.word_score = word_score ? *word_score : attrs.beta.value_or(kDefaultWordScore);
  out.unk_score_offset = unk_score_offset ? *unk_score_offset : attrs.unk_score_offset.value_or(kDefaultUnkScoreOffset);
  out.score_boundary = score_boundary ? *score_boundary : attrs.score_boundary.value_or(kDefaultScoreBoundary);

  if (greedy) {
    for (auto [file, flag] : {std::pair<std::string*, const char*>{&out.lexicon, "--lexicon"}, {&out.hotwords, "--hotwords"}}) {
      if (!file->empty()) spdlog::warn("--decoder greedy: {} {} is not used", flag, *file);
      file->clear();
    }
  } else {
    for (auto [file, flag] : {std::pair<const std::string*, const char*>{&lexicon, "--lexicon"}, {&hotwords, "--hotwords"}}) {
      W2V2_CHECK_AS(ConfigError, file->empty() || is_regular_file(*file), flag, " ", *file, ": no such file");
    }
  }
  if (decoder == DecoderKind::kAuto) {
    out.decoder = !out.lm.empty() || !out.lexicon.empty() || !out.hotwords.empty() ? DecoderKind::kBeam
                                                                                   : DecoderKind::kGreedy;
  }
  return out;
}

std::string DecodingConfig::to_string() const {
  std::ostringstream o;
  o << "DecodingConfig(decoder=" << w2v2::to_string(decoder);
  if (decoder != DecoderKind::kGreedy) {
    o << ", " << beam.to_string() << ", lm=" << (lm.empty() ? "none" : lm);
    auto put = [&o](const char* name, const auto& v) {
      o << ", " << name << "=";
      if (v) o << *v; else o << "default";
    };
    put("lm_weight", lm_weight);
    put("word_score", word_score);
    put("unk_score_offset", unk_score_offset);
    o << ", score_boundary=" << (score_boundary ? (*score_boundary ? "true" : "false") : "default")
      << ", lm_lookahead=" << (lm_lookahead ? "true" : "false")
      << ", lexicon=" << (lexicon.empty() ? "none" : lexicon) << ", hotwords=" << (hotwords.empty() ? "none" : hotwords)
      << ", hotword_boost=" << hotword_boost;
  }
  o << ")";
  return o.str();
}

}  // namespace w2v2
