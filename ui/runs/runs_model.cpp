#include "runs/runs_model.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

RunsModel::RunsModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunsModel::setRuns(std::vector<lora::RunRecord> runs)
{
    beginResetModel();
    runs_ = std::move(runs);
    configs_.clear();
    for (const auto& r : runs_)
        configs_.push_back(QJsonDocument::fromJson(QByteArray::fromStdString(r.configJson)).object().toVariantMap());
    endResetModel();
}

const lora::RunRecord* RunsModel::runById(int64_t id) const
{
    for (const auto& r : runs_)
        if (r.id == id)
            return &r;
    return nullptr;
}

int RunsModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(runs_.size()); }
int RunsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : Count; }

QVariant RunsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(runs_.size()))
        return {};
    const auto& r = runs_[size_t(index.row())];
    const auto& config = configs_[size_t(index.row())];
    if (role == kRunIdRole)
        return QVariant::fromValue<qlonglong>(r.id);
    // Sorting uses EditRole (numbers sort as numbers); the table shows DisplayRole.
    if (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole)
        return {};
    const bool display = role != Qt::EditRole;
    auto optional = [&](const std::optional<double>& v) -> QVariant {
        if (!v)
            return display ? QVariant(QStringLiteral("–")) : QVariant();
        return display ? QVariant(QString::number(*v, 'f', 4)) : QVariant(*v);
    };
    const auto lora = config.value("lora").toMap();
    switch (index.column()) {
    case Id: return QVariant::fromValue<qlonglong>(r.id);
    case Name: return QString::fromStdString(r.name);
    case Status: return QString::fromStdString(lora::runStatusName(r.status));
    case Steps:
        if (!display)
            return QVariant::fromValue<qlonglong>(r.stepsDone);
        return r.totalSteps > 0 ? QStringLiteral("%1/%2").arg(r.stepsDone).arg(r.totalSteps)
                                : QString::number(r.stepsDone);
    case FinalLoss: return optional(r.finalTrainLoss);
    case BestVal: return optional(r.bestValLoss);
    case Rank: return lora.value("r");
    case Alpha: return lora.value("lora_alpha");
    case LearningRate: return config.value("learning_rate");
    case Model:
        return role == Qt::ToolTipRole ? QString::fromStdString(r.modelPath)
                                       : QFileInfo(QString::fromStdString(r.modelPath)).fileName();
    case Created: {
        const auto t = QDateTime::fromMSecsSinceEpoch(qint64(r.createdAt * 1000));
        return display ? QVariant(t.toString(QStringLiteral("yyyy-MM-dd HH:mm"))) : QVariant(t);
    }
    case Tags: {
        QStringList tags;
        for (const auto& t : r.tags)
            tags << QString::fromStdString(t);
        return tags.join(QStringLiteral(", "));
    }
    }
    return {};
}

QVariant RunsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* names[] = {"ID", "Name", "Status", "Steps", "Final loss", "Best val", "r", "α", "LR", "Model",
                                  "Created", "Tags"};
    return section >= 0 && section < Count ? tr(names[section]) : QVariant();
}
