#include "pipeline/progress_sink.h"

#include "report/stopwatch.h"

namespace etl::pipeline {
namespace {

class ProgressSink final : public BatchSink {
 public:
  ProgressSink(std::unique_ptr<BatchSink> inner, ProgressCallback progress, double period_s)
      : inner_(std::move(inner)), progress_(std::move(progress)), period_s_(period_s) {}

  void Write(const types::RowBatch& batch, std::size_t begin, std::size_t end,
             std::vector<sink::BadValue>& bad) override {
    inner_->Write(batch, begin, end, bad);
    counters_ = inner_->counters();
    if (since_.Seconds() >= period_s_) {
      progress_(counters_.rows_written + inner_->open_batch_rows());
      since_.Restart();
    }
  }
  void FinishBatch() override {
    inner_->FinishBatch();
    counters_ = inner_->counters();
  }
  std::int64_t open_batch_rows() const override { return inner_->open_batch_rows(); }
  std::int64_t open_batch_bytes() const override { return inner_->open_batch_bytes(); }
  std::string Describe() const override { return inner_->Describe(); }

 private:
  std::unique_ptr<BatchSink> inner_;
  ProgressCallback progress_;
  double period_s_;
  report::Stopwatch since_;
};

}  // namespace

std::unique_ptr<BatchSink> WithProgress(std::unique_ptr<BatchSink> inner, ProgressCallback progress,
                                        double period_s) {
  if (!progress) return inner;
  return std::make_unique<ProgressSink>(std::move(inner), std::move(progress), period_s);
}

}  // namespace etl::pipeline
