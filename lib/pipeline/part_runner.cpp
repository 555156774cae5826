#include "pipeline/part_runner.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "pipeline/error_class.h"
#include "pipeline/retry.h"
#include "source/table_source.h"

namespace etl::pipeline {
namespace {

struct PartQueue {
  std::size_t count = 0;
  std::atomic<std::size_t> next{0};
  std::atomic<int> holding{0};  // workers holding a pair of slots
  std::mutex mu;                // guards first_error and the totals
  std::exception_ptr first_error;
};

// A part's error as the table sees it: a connection loss that its retries did not overcome
// is final (the table is not redone on top of the part's own tries).
std::exception_ptr PartGaveUp(const std::exception_ptr& error) {
  if (!IsRetryable(Classify(error))) return error;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return std::make_exception_ptr(std::runtime_error(e.what()));
  }
}

class PartRunner {
 public:
  PartRunner(const LoadUnitContext& unit, const ReadPlan& base, const std::vector<KeyPart>& parts,
             const std::string& key_column, LoadTotals& totals, std::atomic<int>& retries)
      : unit_(unit),
        ctx_(*unit.ctx),
        job_(*unit.ctx->job),
        name_(unit.table->name),
        base_(base),
        parts_(parts),
        key_column_(key_column),
        totals_(totals),
        retries_(retries) {}

  void Run() {
    Cancellation* run = ctx_.cancellation;
    auto chained = OnCancel(run, [this, run] { cancel_.Request(run->signal()); });
    queue_.count = parts_.size();
    const std::size_t workers = std::clamp<std::size_t>(
        static_cast<std::size_t>(job_.pipeline.pool.size), 1, parts_.size());
    {
      std::vector<std::jthread> threads;  // joined when the scope ends, also on an exception
      for (std::size_t w = 0; w < workers; ++w) {
        threads.emplace_back([this, w] { Worker(w); });
      }
    }
    if (queue_.first_error) std::rethrow_exception(queue_.first_error);
    ThrowIfRequested(run, name_);
  }

 private:
  void Worker(std::size_t worker) {
    try {
      ConnectionBudget::WaitRule rule;
      rule.keep_waiting = [&] { return queue_.next.load() < queue_.count && !cancel_.requested(); };
      rule.excused = [&] { return queue_.holding.load() > 0; };
      LoadSession s = AcquireSlots(*ctx_.mysql_budget, *ctx_.pg_budget,
                                   fmt::format("{} part worker {}", name_, worker + 1), rule);
      if (!s.has_slots()) return;  // the others took every part (or the table is stopping)
      ++queue_.holding;
      struct Holding {
        std::atomic<int>& n;
        ~Holding() { --n; }
      } holding{queue_.holding};
      for (std::size_t i = queue_.next++; i < queue_.count && !cancel_.requested();
           i = queue_.next++) {
        const std::string who = fmt::format("{} part {}/{}", name_, i + 1, queue_.count);
        Retry retry(RetryPolicy::From(job_.pipeline.retry), who, &cancel_);
        bool in_doubt = false;  // the last try's COMMIT was on its way when its connection died
        try {
          retry.Run([&](int) { LoadPart(s, i, in_doubt); });
        } catch (...) {
          retries_ += retry.retries();
          throw;
        }
        retries_ += retry.retries();
      }
    } catch (...) {
      {
        std::lock_guard lock(queue_.mu);
        // A sibling stopped by the first failure fails too: only the first error counts.
        if (!queue_.first_error) queue_.first_error = PartGaveUp(std::current_exception());
      }
      cancel_.Request();
    }
  }

  // One try of one part: fresh connections on the worker's slots, its own MySQL snapshot, its
  // own PostgreSQL transaction (committed by Finish). A failed try leaves nothing in the stage
  // (its transaction rolled back) unless its COMMIT was in doubt: then the next try first
  // deletes the part's key range from the stage.
  void LoadPart(LoadSession& s, std::size_t index, bool& in_doubt) {
    const KeyPart& key_part = parts_[index];
    Connect(s, job_, ctx_.env, unit_.table->performance.use_optimized_connections);
    if (in_doubt) {
      spdlog::info("{}: part {}/{}: removing what its last try may have committed ({})", name_,
                   index + 1, queue_.count, key_part.Describe());
      unit_.load->DiscardPartRows(*s.pg, key_column_, key_part.lo, key_part.hi);
      in_doubt = false;
    }
    source::BeginSnapshot(*s.mysql);
    // The try's rejected rows join the table's reject file only once its rows have committed.
    LoadUnitContext unit = unit_;
    std::unique_ptr<RejectFile> rejects;
    if (unit.bad_rows.rejects != nullptr) {
      rejects = RejectFile::ForPart(*unit.bad_rows.rejects, index);
      unit.bad_rows.rejects = rejects.get();
    }
    const LoadUnitResult r =
        RunLoadUnit(unit, s, PlanPart(base_, key_part), nullptr, index,
                    sink::KeyRange{key_part.lo, key_part.hi}, &cancel_, &in_doubt);
    if (rejects) rejects->Keep();
    spdlog::info("{}: part {}/{} key range {}: {} rows", name_, index + 1, queue_.count,
                 key_part.Describe(), r.counters.rows_written);
    std::lock_guard lock(queue_.mu);
    totals_.Add(r.pump, r.counters);
  }

  const LoadUnitContext& unit_;
  const LoadContext& ctx_;
  const config::JobSpec& job_;
  const std::string name_;
  const ReadPlan& base_;
  const std::vector<KeyPart>& parts_;
  const std::string key_column_;
  LoadTotals& totals_;
  std::atomic<int>& retries_;
  Cancellation cancel_;
  PartQueue queue_;
};

}  // namespace

void RunParts(const LoadUnitContext& unit, const ReadPlan& base, const std::vector<KeyPart>& parts,
              const std::string& key_column, LoadTotals& totals, std::atomic<int>& retries) {
  PartRunner(unit, base, parts, key_column, totals, retries).Run();
}

}  // namespace etl::pipeline
