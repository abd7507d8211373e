#include "checkpoint/state_dict_unpickler.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/error.h"

namespace w2v2 {

size_t element_size(StorageType type) {
  switch (type) {
    case StorageType::kFloat64:
    case StorageType::kInt64: return 8;
    case StorageType::kFloat32:
    case StorageType::kInt32: return 4;
    case StorageType::kFloat16:
    case StorageType::kBFloat16:
    case StorageType::kInt16: return 2;
    case StorageType::kInt8:
    case StorageType::kUInt8:
    case StorageType::kBool: return 1;
  }
  return 1;
}

bool is_floating_point(StorageType type) {
  return type == StorageType::kFloat32 || type == StorageType::kFloat16 || type == StorageType::kBFloat16 ||
         type == StorageType::kFloat64;
}

int64_t PickledTensor::numel() const {
  int64_t n = 1;
  for (int64_t s : size) n *= s;
  return n;
}

namespace {

constexpr size_t kMaxDimensions = 64;

// One unpickled object, in an arena; containers refer to their items by index.
enum class Kind : uint8_t { kNone, kBool, kInt, kFloat, kString, kTuple, kList, kDict, kGlobal, kStorage, kTensor };
struct Value {
  Kind kind = Kind::kNone;
  int depth = 0;                // nesting: 0 for scalars, 1 + the deepest item for containers
  int64_t integer = 0;          // int, bool; the index of a storage or tensor
  std::string text;             // string, or "module.name" of a global
  std::vector<uint32_t> items;  // tuple, list; a dict's keys and values interleaved, in insertion order
};

struct Storage {
  std::string key;
  StorageType type;
  int64_t numel;
};

bool storage_type_of(const std::string& global, StorageType* type) {
  static const std::pair<const char*, StorageType> kTypes[] = {
      {"torch.FloatStorage", StorageType::kFloat32}, {"torch.HalfStorage", StorageType::kFloat16},
      {"torch.BFloat16Storage", StorageType::kBFloat16}, {"torch.DoubleStorage", StorageType::kFloat64},
      {"torch.LongStorage", StorageType::kInt64}, {"torch.IntStorage", StorageType::kInt32},
      {"torch.ShortStorage", StorageType::kInt16}, {"torch.CharStorage", StorageType::kInt8},
      {"torch.ByteStorage", StorageType::kUInt8}, {"torch.BoolStorage", StorageType::kBool}};
  for (const auto& [name, t] : kTypes) {
    if (global == name) {
      *type = t;
      return true;
    }
  }
  return false;
}

// The pickle virtual machine over one pickle.
class Machine {
 public:
  Machine(const std::string& pickle, const std::string& source, const UnpicklerLimits& limits)
      : pickle_(pickle), src_(source), limits_(limits) {}

  std::map<std::string, PickledTensor> run();

 private:
  [[noreturn]] void fail(const std::string& what) const { throw ModelLoadError(src_ + ": " + what); }
  void need(size_t n) const {
    if (n > pickle_.size() - pos_) fail("truncated pickle");
  }
  uint8_t byte() {
    need(1);
    return static_cast<uint8_t>(pickle_[pos_++]);
  }
  uint64_t little(size_t n) {  // unsigned little-endian
    need(n);
    uint64_t v = 0;
    for (size_t k = 0; k < n; ++k) v |= static_cast<uint64_t>(static_cast<uint8_t>(pickle_[pos_ + k])) << (8 * k);
    pos_ += n;
    return v;
  }
  std::string bytes(uint64_t n) {
    need(n);
    std::string s = pickle_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::string line() {
    const size_t end = pickle_.find('\n', pos_);
    if (end == std::string::npos) fail("truncated pickle");
    std::string s = pickle_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return s;
  }

  void count(size_t n) {
    objects_ += n;
    if (objects_ > limits_.max_objects) {
      fail("the pickle builds more than " + std::to_string(limits_.max_objects) + " objects (a state dict needs far fewer)");
    }
  }
  void check_depth(uint32_t v) const {
    if (values_[v].depth > limits_.max_depth) {
      fail("the pickle nests containers deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
  }
  uint32_t make(Kind kind) {
    count(1);
    values_.emplace_back();
    values_.back().kind = kind;
    if (kind == Kind::kTuple || kind == Kind::kList || kind == Kind::kDict) values_.back().depth = 1;
    return static_cast<uint32_t>(values_.size() - 1);
  }
  Value& at(uint32_t v) { return values_[v]; }
  void push(uint32_t v) { stack_.push_back(v); }
  uint32_t pop() {
    if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back())) fail("malformed pickle (stack underflow)");
    const uint32_t v = stack_.back();
    stack_.pop_back();
    return v;
  }
  uint32_t top() const {
    if (stack_.empty()) fail("malformed pickle (empty stack)");
    return stack_.back();
  }
  std::vector<uint32_t> pop_mark() {  // the items since the last MARK
    if (marks_.empty()) fail("malformed pickle (no mark)");
    const size_t mark = marks_.back();
    marks_.pop_back();
    std::vector<uint32_t> items(stack_.begin() + static_cast<std::ptrdiff_t>(mark), stack_.end());
    stack_.resize(mark);
    return items;
  }
  void add_item(uint32_t container, uint32_t item) {
    count(1);
    Value& c = at(container);
    c.items.push_back(item);
    c.depth = std::max(c.depth, values_[item].depth + 1);
    check_depth(container);
  }
  void push_tuple(const std::vector<uint32_t>& items) {
    const uint32_t t = make(Kind::kTuple);
    for (uint32_t item : items) add_item(t, item);
    push(t);
  }
  void push_int(int64_t i) {
    const uint32_t v = make(Kind::kInt);
    at(v).integer = i;
    push(v);
  }
  void push_string(std::string s) {
    const uint32_t v = make(Kind::kString);
    at(v).text = std::move(s);
    push(v);
  }
  void append(uint32_t list, const std::vector<uint32_t>& items) {
    if (at(list).kind != Kind::kList) fail("malformed pickle (APPEND to a non-list)");
    for (uint32_t item : items) add_item(list, item);
  }
  void set_items(uint32_t dict, const std::vector<uint32_t>& kv) {
    if (at(dict).kind != Kind::kDict || kv.size() % 2 != 0) fail("malformed pickle (SETITEMS on a non-dict)");
    for (uint32_t item : kv) add_item(dict, item);
  }
  void memo_put(uint64_t key) {
    const uint32_t v = top();
    if (memo_.count(key) == 0) count(1);
    memo_[key] = v;
  }

  void persistent_load();
  void reduce();
  void rebuild_tensor(const Value& args);
  std::vector<int64_t> int_list(uint32_t v, const char* what);
  std::map<std::string, PickledTensor> result();

  const std::string& pickle_;
  const std::string& src_;
  const UnpicklerLimits& limits_;
  size_t pos_ = 0;
  size_t objects_ = 0;
  std::vector<Value> values_;
  std::vector<uint32_t> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, uint32_t> memo_;
  std::vector<Storage> storages_;
  std::unordered_map<std::string, size_t> storage_index_;
  std::vector<PickledTensor> tensors_;
};

std::vector<int64_t> Machine::int_list(uint32_t v, const char* what) {
  const Value& list = at(v);
  if (list.kind != Kind::kTuple && list.kind != Kind::kList) fail(std::string("tensor ") + what + " is not a tuple");
  if (list.items.size() > kMaxDimensions) fail(std::string("tensor ") + what + " has more than 64 dimensions");
  std::vector<int64_t> out;
  for (uint32_t item : list.items) {
    if (at(item).kind != Kind::kInt) fail(std::string("tensor ") + what + " holds a non-integer");
    out.push_back(at(item).integer);
  }
  return out;
}

// BINPERSID: ('storage', torch.<Type>Storage, key, location, numel) names a storage record.
void Machine::persistent_load() {
  const Value& pid = at(pop());
  if (pid.kind != Kind::kTuple || pid.items.size() < 5 || at(pid.items[0]).kind != Kind::kString ||
      at(pid.items[0]).text != "storage" || at(pid.items[1]).kind != Kind::kGlobal ||
      at(pid.items[2]).kind != Kind::kString || at(pid.items[4]).kind != Kind::kInt) {
    fail("unsupported persistent id in pickle");
  }
  StorageType type;
  if (!storage_type_of(at(pid.items[1]).text, &type)) fail("unsupported storage type " + at(pid.items[1]).text.substr(0, 80));
  const std::string key = at(pid.items[2]).text;
  const int64_t numel = at(pid.items[4]).integer;
  if (numel < 0 || numel > std::numeric_limits<int64_t>::max() / 8) fail("storage '" + key.substr(0, 80) + "' has an invalid size");
  auto it = storage_index_.find(key);
  if (it == storage_index_.end()) {
    count(1);
    it = storage_index_.emplace(key, storages_.size()).first;
    storages_.push_back({key, type, numel});
  } else if (storages_[it->second].type != type || storages_[it->second].numel != numel) {
    fail("storage '" + key.substr(0, 80) + "' is declared twice with different types or sizes");
  }
  const uint32_t v = make(Kind::kStorage);
  at(v).integer = static_cast<int64_t>(it->second);
  push(v);
}

// _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks[, metadata]).
void Machine::rebuild_tensor(const Value& args) {
  if (args.items.size() < 4 || at(args.items[0]).kind != Kind::kStorage || at(args.items[1]).kind != Kind::kInt) {
    fail("malformed _rebuild_tensor_v2 arguments");
  }
  const Storage& storage = storages_[static_cast<size_t>(at(args.items[0]).integer)];
  PickledTensor t;
  t.storage_key = storage.key;
  t.storage_type = storage.type;
  t.storage_numel = storage.numel;
  t.offset = at(args.items[1]).integer;
  t.size = int_list(args.items[2], "size");
  t.stride = int_list(args.items[3], "stride");
  if (t.size.size() != t.stride.size() || t.offset < 0) fail("malformed tensor geometry");
  int64_t last = t.offset;  // the furthest element the view reaches must lie in the storage
  int64_t elements = 1;
  for (size_t d = 0; d < t.size.size(); ++d) {
    if (t.size[d] < 0 || t.stride[d] < 0) fail("malformed tensor geometry");
    int64_t reach = 0;
    if (t.size[d] > 0 && (__builtin_mul_overflow(t.size[d] - 1, t.stride[d], &reach) ||
                          __builtin_add_overflow(last, reach, &last))) {
      fail("malformed tensor geometry");
    }
    if (__builtin_mul_overflow(elements, t.size[d], &elements)) fail("malformed tensor geometry");
  }
  if (elements > 0 && last >= storage.numel) fail("tensor reaches past the end of its storage");
  // Stride 0 (an expanded tensor) can make a view far larger than its storage: bounded here, and the
  // caller bounds the sum of what it reads.
  if (elements > std::max(storage.numel, limits_.max_expanded_elements)) {
    fail("a tensor of " + std::to_string(elements) + " elements over a storage of " + std::to_string(storage.numel));
  }
  count(1);
  tensors_.push_back(std::move(t));
  const uint32_t v = make(Kind::kTensor);
  at(v).integer = static_cast<int64_t>(tensors_.size() - 1);
  push(v);
}

void Machine::reduce() {
  const uint32_t args_index = pop();
  const uint32_t callable_index = pop();
  if (at(callable_index).kind != Kind::kGlobal || at(args_index).kind != Kind::kTuple) fail("malformed pickle (REDUCE)");
  const std::string name = at(callable_index).text;
  if (name == "collections.OrderedDict" || name == "builtins.dict") {
    push(make(Kind::kDict));
  } else if (name == "torch._utils._rebuild_tensor_v2") {
    const Value args = at(args_index);  // a copy: rebuild_tensor adds values to the arena
    rebuild_tensor(args);
  } else if (name == "torch._utils._rebuild_parameter") {
    const Value& args = at(args_index);
    if (args.items.empty() || at(args.items[0]).kind != Kind::kTensor) fail("malformed _rebuild_parameter arguments");
    push(args.items[0]);
  } else {
    fail("unsupported object in the pickle: " + name.substr(0, 200));
  }
}

std::map<std::string, PickledTensor> Machine::result() {
  const Value& dict = at(pop());
  if (dict.kind != Kind::kDict) fail("expected a state dict (name -> tensor)");
  std::map<std::string, PickledTensor> out;
  for (size_t k = 0; k + 1 < dict.items.size(); k += 2) {
    const Value& key = at(dict.items[k]);
    const Value& value = at(dict.items[k + 1]);
    if (key.kind != Kind::kString) fail("state dict key is not a string");
    if (value.kind != Kind::kTensor) fail("'" + key.text.substr(0, 200) + "' is not a tensor");
    out[key.text] = tensors_[static_cast<size_t>(value.integer)];
  }
  return out;
}

std::map<std::string, PickledTensor> Machine::run() {
  for (;;) {
    const uint8_t op = byte();
    switch (op) {
      case 0x80: byte(); break;     // PROTO
      case 0x95: little(8); break;  // FRAME
      case '.': return result();    // STOP
      case 'c': {                   // GLOBAL
        std::string module = line();
        std::string name = line();
        const uint32_t v = make(Kind::kGlobal);
        at(v).text = module + "." + name;
        push(v);
        break;
      }
      case 0x93: {  // STACK_GLOBAL (protocol 4)
        const uint32_t name = pop();
        const uint32_t module = pop();
        if (at(name).kind != Kind::kString || at(module).kind != Kind::kString) fail("malformed pickle (STACK_GLOBAL)");
        std::string text = at(module).text + "." + at(name).text;
        const uint32_t v = make(Kind::kGlobal);
        at(v).text = std::move(text);
        push(v);
        break;
      }
      case 'q': memo_put(byte()); break;         // BINPUT
      case 'r': memo_put(little(4)); break;      // LONG_BINPUT
      case 0x94: memo_put(memo_.size()); break;  // MEMOIZE
      case 'h':
      case 'j': {  // BINGET, LONG_BINGET
        const auto it = memo_.find(op == 'h' ? byte() : little(4));
        if (it == memo_.end()) fail("malformed pickle (unknown memo key)");
        push(it->second);
        break;
      }
      case '(': marks_.push_back(stack_.size()); break;  // MARK
      case ')': push_tuple({}); break;                   // EMPTY_TUPLE
      case 't': push_tuple(pop_mark()); break;           // TUPLE
      case 0x85:
      case 0x86:
      case 0x87: {  // TUPLE1..3
        std::vector<uint32_t> items(op - 0x84);
        for (size_t k = items.size(); k-- > 0;) items[k] = pop();
        push_tuple(items);
        break;
      }
      case ']': push(make(Kind::kList)); break;  // EMPTY_LIST
      case 'a': {                                // APPEND
        const uint32_t item = pop();
        append(top(), {item});
        break;
      }
      case 'e': {  // APPENDS
        const auto items = pop_mark();
        append(top(), items);
        break;
      }
      case '}': push(make(Kind::kDict)); break;  // EMPTY_DICT
      case 's': {                                // SETITEM
        const uint32_t value = pop();
        const uint32_t key = pop();
        set_items(top(), {key, value});
        break;
      }
      case 'u': {  // SETITEMS
        const auto kv = pop_mark();
        set_items(top(), kv);
        break;
      }
      case 'N': push(make(Kind::kNone)); break;
      case 0x88:
      case 0x89: {  // NEWTRUE, NEWFALSE
        const uint32_t v = make(Kind::kBool);
        at(v).integer = op == 0x88;
        push(v);
        break;
      }
      case 'K': push_int(byte()); break;                                                  // BININT1
      case 'M': push_int(static_cast<int64_t>(little(2))); break;                         // BININT2
      case 'J': push_int(static_cast<int32_t>(static_cast<uint32_t>(little(4)))); break;  // BININT
      case 0x8a: {                                                                        // LONG1
        const size_t n = byte();
        if (n > 8) fail("integer too large in pickle");
        uint64_t v = n ? little(n) : 0;
        if (n > 0 && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t{0} << (8 * n);  // sign-extend
        push_int(static_cast<int64_t>(v));
        break;
      }
      case 'G': little(8); push(make(Kind::kFloat)); break;  // BINFLOAT: the value is never needed
      case 'X':                                              // BINUNICODE
      case 'T':                                              // BINSTRING
      case 'B': push_string(bytes(little(4))); break;        // BINBYTES
      case 0x8c:                                             // SHORT_BINUNICODE
      case 'U':                                              // SHORT_BINSTRING
      case 'C': push_string(bytes(byte())); break;           // SHORT_BINBYTES
      case 'Q': persistent_load(); break;                    // BINPERSID
      case 'R': reduce(); break;                             // REDUCE
      case 'b': pop(); break;  // BUILD: the state of an OrderedDict (_metadata) or a tensor; not needed
      default: {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", op);
        fail(std::string("unsupported pickle opcode ") + hex + " at byte " + std::to_string(pos_ - 1));
      }
    }
  }
}

}  // namespace

StateDictUnpickler::StateDictUnpickler(std::string source, UnpicklerLimits limits)
    : source_(std::move(source)), limits_(limits) {}

std::map<std::string, PickledTensor> StateDictUnpickler::read(const std::string& pickle) const {
  return Machine(pickle, source_, limits_).run();
}

}  // namespace w2v2
