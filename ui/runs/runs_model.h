#pragma once
// The runs table: one row per run of the run database, with its key settings (rank, alpha, learning rate, steps
// from the config JSON) and results. Read-only; sorting and filtering are a QSortFilterProxyModel's job.
#include "lora/run_store.h"

#include <QAbstractTableModel>

#include <vector>

class RunsModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Id, Name, Status, Steps, FinalLoss, BestVal, Rank, Alpha, LearningRate, Model, Created, Tags, Count };
    static constexpr int kRunIdRole = Qt::UserRole + 1;

    explicit RunsModel(QObject* parent = nullptr);
    void setRuns(std::vector<lora::RunRecord> runs);
    const std::vector<lora::RunRecord>& runs() const { return runs_; }
    const lora::RunRecord* runById(int64_t id) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::vector<lora::RunRecord> runs_;
    std::vector<QVariantMap> configs_;  // each run's config JSON, parsed once
};
