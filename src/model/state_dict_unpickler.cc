#include "model/state_dict_unpickler.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "common/error.h"

namespace w2v2 {
namespace {

// One unpickled object. Containers are shared (the memo and the stack may hold the same dict).
struct Value;
using ValuePtr = std::shared_ptr<Value>;
struct Value {
  enum class Kind { kNone, kBool, kInt, kFloat, kString, kTuple, kList, kDict, kGlobal, kTensor };
  Kind kind = Kind::kNone;
  int64_t integer = 0;
  double real = 0.0;
  std::string text;                                // string, or "module.name" of a global
  std::vector<ValuePtr> items;                     // tuple, list
  std::vector<std::pair<ValuePtr, ValuePtr>> map;  // dict, in insertion order
  torch::Tensor tensor;
};

ValuePtr make(Value::Kind kind) {
  auto v = std::make_shared<Value>();
  v->kind = kind;
  return v;
}

torch::ScalarType storage_dtype(const std::string& global, const std::string& source) {
  static const std::map<std::string, torch::ScalarType> kTypes = {
      {"torch.FloatStorage", torch::kFloat32}, {"torch.HalfStorage", torch::kFloat16},
      {"torch.BFloat16Storage", torch::kBFloat16}, {"torch.DoubleStorage", torch::kFloat64},
      {"torch.LongStorage", torch::kInt64}, {"torch.IntStorage", torch::kInt32},
      {"torch.ShortStorage", torch::kInt16}, {"torch.CharStorage", torch::kInt8},
      {"torch.ByteStorage", torch::kUInt8}, {"torch.BoolStorage", torch::kBool}};
  const auto it = kTypes.find(global);
  W2V2_CHECK_AS(ModelLoadError, it != kTypes.end(), source, ": unsupported storage type ", global);
  return it->second;
}

std::vector<int64_t> int_list(const ValuePtr& v, const std::string& source, const char* what) {
  W2V2_CHECK_AS(ModelLoadError, v->kind == Value::Kind::kTuple || v->kind == Value::Kind::kList, source,
                ": tensor ", what, " is not a tuple");
  std::vector<int64_t> out;
  for (const auto& item : v->items) {
    W2V2_CHECK_AS(ModelLoadError, item->kind == Value::Kind::kInt, source, ": tensor ", what, " holds a non-integer");
    out.push_back(item->integer);
  }
  return out;
}

}  // namespace

StateDictUnpickler::StateDictUnpickler(std::string source, std::function<std::string(const std::string&)> storage_bytes)
    : source_(std::move(source)), storage_bytes_(std::move(storage_bytes)) {}

std::map<std::string, torch::Tensor> StateDictUnpickler::read(const std::string& pickle) {
  const std::string& src = source_;
  size_t pos = 0;
  auto need = [&](size_t n) {
    W2V2_CHECK_AS(ModelLoadError, pos + n <= pickle.size(), src, ": truncated pickle");
  };
  auto byte = [&]() -> uint8_t {
    need(1);
    return static_cast<uint8_t>(pickle[pos++]);
  };
  auto little = [&](size_t n) -> uint64_t {  // unsigned little-endian
    need(n);
    uint64_t v = 0;
    for (size_t k = 0; k < n; ++k) v |= static_cast<uint64_t>(static_cast<uint8_t>(pickle[pos + k])) << (8 * k);
    pos += n;
    return v;
  };
  auto bytes = [&](size_t n) {
    need(n);
    std::string s = pickle.substr(pos, n);
    pos += n;
    return s;
  };
  auto line = [&]() {
    const size_t end = pickle.find('\n', pos);
    W2V2_CHECK_AS(ModelLoadError, end != std::string::npos, src, ": truncated pickle");
    std::string s = pickle.substr(pos, end - pos);
    pos = end + 1;
    return s;
  };

  std::vector<ValuePtr> stack;
  std::vector<size_t> marks;
  std::map<uint64_t, ValuePtr> memo;
  auto pop = [&]() {
    W2V2_CHECK_AS(ModelLoadError, !stack.empty() && (marks.empty() || stack.size() > marks.back()), src,
                  ": malformed pickle (stack underflow)");
    ValuePtr v = stack.back();
    stack.pop_back();
    return v;
  };
  auto pop_mark = [&]() {  // the items since the last MARK
    W2V2_CHECK_AS(ModelLoadError, !marks.empty(), src, ": malformed pickle (no mark)");
    const size_t mark = marks.back();
    marks.pop_back();
    std::vector<ValuePtr> items(stack.begin() + static_cast<std::ptrdiff_t>(mark), stack.end());
    stack.resize(mark);
    return items;
  };
  auto top = [&]() -> ValuePtr& {
    W2V2_CHECK_AS(ModelLoadError, !stack.empty(), src, ": malformed pickle (empty stack)");
    return stack.back();
  };
  auto push_int = [&](int64_t i) {
    auto v = make(Value::Kind::kInt);
    v->integer = i;
    stack.push_back(v);
  };
  auto push_string = [&](std::string s) {
    auto v = make(Value::Kind::kString);
    v->text = std::move(s);
    stack.push_back(v);
  };
  auto tuple_of = [&](std::vector<ValuePtr> items) {
    auto v = make(Value::Kind::kTuple);
    v->items = std::move(items);
    stack.push_back(v);
  };
  auto set_items = [&](const ValuePtr& dict, const std::vector<ValuePtr>& kv) {
    W2V2_CHECK_AS(ModelLoadError, dict->kind == Value::Kind::kDict && kv.size() % 2 == 0, src,
                  ": malformed pickle (SETITEMS on a non-dict)");
    for (size_t k = 0; k < kv.size(); k += 2) dict->map.emplace_back(kv[k], kv[k + 1]);
  };

  for (;;) {
    const uint8_t op = byte();
    switch (op) {
      case 0x80: byte(); break;                  // PROTO
      case 0x95: little(8); break;               // FRAME
      case '.': {                                // STOP
        const ValuePtr result = pop();
        W2V2_CHECK_AS(ModelLoadError, result->kind == Value::Kind::kDict, src,
                      ": expected a state dict (name -> tensor)");
        std::map<std::string, torch::Tensor> out;
        for (const auto& [key, value] : result->map) {
          W2V2_CHECK_AS(ModelLoadError, key->kind == Value::Kind::kString, src, ": state dict key is not a string");
          W2V2_CHECK_AS(ModelLoadError, value->kind == Value::Kind::kTensor, src, ": '", key->text,
                        "' is not a tensor");
          out[key->text] = value->tensor;
        }
        return out;
      }
      case 'c': {  // GLOBAL
        auto v = make(Value::Kind::kGlobal);
        const std::string module = line();
        v->text = module + "." + line();
        stack.push_back(v);
        break;
      }
      case 0x93: {  // STACK_GLOBAL (protocol 4)
        const ValuePtr name = pop();
        const ValuePtr module = pop();
        W2V2_CHECK_AS(ModelLoadError, name->kind == Value::Kind::kString && module->kind == Value::Kind::kString, src,
                      ": malformed pickle (STACK_GLOBAL)");
        auto v = make(Value::Kind::kGlobal);
        v->text = module->text + "." + name->text;
        stack.push_back(v);
        break;
      }
      case 'q': memo[byte()] = top(); break;          // BINPUT
      case 'r': memo[little(4)] = top(); break;       // LONG_BINPUT
      case 0x94: memo[memo.size()] = top(); break;    // MEMOIZE
      case 'h':
      case 'j': {  // BINGET, LONG_BINGET
        const auto it = memo.find(op == 'h' ? byte() : little(4));
        W2V2_CHECK_AS(ModelLoadError, it != memo.end(), src, ": malformed pickle (unknown memo key)");
        stack.push_back(it->second);
        break;
      }
      case '(': marks.push_back(stack.size()); break;  // MARK
      case ')': tuple_of({}); break;                   // EMPTY_TUPLE
      case 't': tuple_of(pop_mark()); break;           // TUPLE
      case 0x85:
      case 0x86:
      case 0x87: {  // TUPLE1..3
        std::vector<ValuePtr> items(op - 0x84);
        for (size_t k = items.size(); k-- > 0;) items[k] = pop();
        tuple_of(std::move(items));
        break;
      }
      case ']': stack.push_back(make(Value::Kind::kList)); break;  // EMPTY_LIST
      case 'a': {                                                  // APPEND
        const ValuePtr item = pop();
        top()->items.push_back(item);
        break;
      }
      case 'e': {  // APPENDS
        auto items = pop_mark();
        auto& list = top();
        list->items.insert(list->items.end(), items.begin(), items.end());
        break;
      }
      case '}': stack.push_back(make(Value::Kind::kDict)); break;  // EMPTY_DICT
      case 's': {                                                  // SETITEM
        const ValuePtr value = pop();
        const ValuePtr key = pop();
        set_items(top(), {key, value});
        break;
      }
      case 'u': {  // SETITEMS
        const auto kv = pop_mark();
        set_items(top(), kv);
        break;
      }
      case 'N': stack.push_back(make(Value::Kind::kNone)); break;
      case 0x88:
      case 0x89: {  // NEWTRUE, NEWFALSE
        auto v = make(Value::Kind::kBool);
        v->integer = op == 0x88;
        stack.push_back(v);
        break;
      }
      case 'K': push_int(byte()); break;                                                  // BININT1
      case 'M': push_int(static_cast<int64_t>(little(2))); break;                         // BININT2
      case 'J': push_int(static_cast<int32_t>(static_cast<uint32_t>(little(4)))); break;  // BININT
      case 0x8a: {                                                                        // LONG1
        const size_t n = byte();
        W2V2_CHECK_AS(ModelLoadError, n <= 8, src, ": integer too large in pickle");
        uint64_t v = n ? little(n) : 0;
        if (n > 0 && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t{0} << (8 * n);  // sign-extend
        push_int(static_cast<int64_t>(v));
        break;
      }
      case 'G': {  // BINFLOAT (big-endian)
        need(8);
        uint64_t bits = 0;
        for (int k = 0; k < 8; ++k) bits = (bits << 8) | static_cast<uint8_t>(pickle[pos + k]);
        pos += 8;
        auto v = make(Value::Kind::kFloat);
        std::memcpy(&v->real, &bits, sizeof bits);
        stack.push_back(v);
        break;
      }
      case 'X': push_string(bytes(little(4))); break;   // BINUNICODE
      case 0x8c: push_string(bytes(byte())); break;     // SHORT_BINUNICODE
      case 'T': push_string(bytes(little(4))); break;   // BINSTRING
      case 'U': push_string(bytes(byte())); break;      // SHORT_BINSTRING
      case 'B': push_string(bytes(little(4))); break;   // BINBYTES
      case 'C': push_string(bytes(byte())); break;      // SHORT_BINBYTES
      case 'Q': {                                       // BINPERSID
        const ValuePtr pid = pop();
        W2V2_CHECK_AS(ModelLoadError, pid->kind == Value::Kind::kTuple && pid->items.size() >= 5 &&
                                          pid->items[0]->text == "storage" &&
                                          pid->items[1]->kind == Value::Kind::kGlobal &&
                                          pid->items[2]->kind == Value::Kind::kString,
                      src, ": unsupported persistent id in pickle");
        const torch::ScalarType dtype = storage_dtype(pid->items[1]->text, src);
        const std::string& key = pid->items[2]->text;
        auto it = storages_.find(key);
        if (it == storages_.end()) {
          const std::string raw = storage_bytes_(key);
          const auto element = static_cast<size_t>(c10::elementSize(dtype));
          W2V2_CHECK_AS(ModelLoadError, raw.size() % element == 0, src, ": storage ", key,
                        " is not a whole number of elements");
          torch::Tensor storage = torch::empty({static_cast<int64_t>(raw.size() / element)},
                                               torch::TensorOptions().dtype(dtype));
          if (!raw.empty()) std::memcpy(storage.data_ptr(), raw.data(), raw.size());
          it = storages_.emplace(key, storage).first;
        }
        auto v = make(Value::Kind::kTensor);  // the storage, as a flat tensor
        v->tensor = it->second;
        stack.push_back(v);
        break;
      }
      case 'R': {  // REDUCE
        const ValuePtr args = pop();
        const ValuePtr callable = pop();
        W2V2_CHECK_AS(ModelLoadError, callable->kind == Value::Kind::kGlobal && args->kind == Value::Kind::kTuple,
                      src, ": malformed pickle (REDUCE)");
        const std::string& name = callable->text;
        if (name == "collections.OrderedDict" || name == "builtins.dict") {
          stack.push_back(make(Value::Kind::kDict));
        } else if (name == "torch._utils._rebuild_tensor_v2") {
          W2V2_CHECK_AS(ModelLoadError, args->items.size() >= 4 && args->items[0]->kind == Value::Kind::kTensor &&
                                            args->items[1]->kind == Value::Kind::kInt,
                        src, ": malformed _rebuild_tensor_v2 arguments");
          const torch::Tensor& storage = args->items[0]->tensor;
          const auto size = int_list(args->items[2], src, "size");
          const auto stride = int_list(args->items[3], src, "stride");
          const int64_t offset = args->items[1]->integer;
          W2V2_CHECK_AS(ModelLoadError, size.size() == stride.size() && offset >= 0, src,
                        ": malformed tensor geometry");
          int64_t last = offset;  // the furthest element the view reaches must lie in the storage
          bool empty = false;
          for (size_t d = 0; d < size.size(); ++d) {
            W2V2_CHECK_AS(ModelLoadError, size[d] >= 0 && stride[d] >= 0, src, ": malformed tensor geometry");
            empty = empty || size[d] == 0;
            int64_t reach = 0;
            W2V2_CHECK_AS(ModelLoadError, size[d] == 0 || (!__builtin_mul_overflow(size[d] - 1, stride[d], &reach) &&
                                                            !__builtin_add_overflow(last, reach, &last)),
                          src, ": malformed tensor geometry");
          }
          W2V2_CHECK_AS(ModelLoadError, empty || last < storage.numel(), src,
                        ": tensor reaches past the end of its storage");
          // Stride 0 (an expanded tensor) can make a view far larger than its storage: bounded, so a hostile
          // file is an error rather than a huge allocation.
          int64_t elements = 1;
          for (int64_t s : size) {
            W2V2_CHECK_AS(ModelLoadError, !__builtin_mul_overflow(elements, s, &elements), src,
                          ": malformed tensor geometry");
          }
          W2V2_CHECK_AS(ModelLoadError, elements <= std::max<int64_t>(storage.numel(), int64_t{1} << 24), src,
                        ": a tensor of ", elements, " elements over a storage of ", storage.numel());
          auto v = make(Value::Kind::kTensor);
          v->tensor = empty ? torch::empty(size, storage.options())
                            : storage.as_strided(size, stride, offset).clone();
          stack.push_back(v);
        } else if (name == "torch._utils._rebuild_parameter") {
          W2V2_CHECK_AS(ModelLoadError, !args->items.empty() && args->items[0]->kind == Value::Kind::kTensor, src,
                        ": malformed _rebuild_parameter arguments");
          stack.push_back(args->items[0]);
        } else {
          throw ModelLoadError(src + ": unsupported object in the pickle: " + name);
        }
        break;
      }
      case 'b': pop(); break;  // BUILD: the state of an OrderedDict (_metadata) or a tensor; not needed
      default: {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", op);
        throw ModelLoadError(src + ": unsupported pickle opcode " + hex + " at byte " + std::to_string(pos - 1));
      }
    }
  }
}

}  // namespace w2v2
