#include "runs/config_diff.h"

#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <map>
#include <set>

namespace {

constexpr int kDiffRole = Qt::UserRole + 7;

void flatten(const QJsonValue& value, const QString& prefix, std::map<QString, QString>& out)
{
    if (value.isObject()) {
        const auto object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            flatten(it.value(), prefix.isEmpty() ? it.key() : prefix + '.' + it.key(), out);
        return;
    }
    if (value.isArray())
        out[prefix] = QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    else if (value.isString())
        out[prefix] = value.toString();
    else if (value.isNull() || value.isUndefined())
        out[prefix] = QStringLiteral("null");
    else if (value.isBool())
        out[prefix] = value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    else
        out[prefix] = QString::number(value.toDouble(), 'g', 10);
}

}  // namespace

ConfigDiff::ConfigDiff(QWidget* parent) : QTableWidget(parent)
{
    setEditTriggers(NoEditTriggers);
    // Every run's column shares the width; long values (paths) are elided in the middle, whole in the tooltip.
    horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    setTextElideMode(Qt::ElideMiddle);
    horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    horizontalHeader()->setTextElideMode(Qt::ElideRight);
    setWordWrap(false);
}

bool ConfigDiff::isHighlighted(const QTableWidgetItem* item) { return item && item->data(kDiffRole).toBool(); }

void ConfigDiff::setRuns(const std::vector<lora::RunRecord>& runs)
{
    std::vector<std::map<QString, QString>> flat(runs.size());
    std::set<QString> keys;
    for (size_t i = 0; i < runs.size(); ++i) {
        flatten(QJsonDocument::fromJson(QByteArray::fromStdString(runs[i].configJson)).object(), {}, flat[i]);
        for (const auto& [k, v] : flat[i])
            keys.insert(k);
    }
    QStringList differing, same;
    for (const auto& key : keys) {
        std::set<QString> values;
        for (const auto& f : flat) {
            const auto it = f.find(key);
            values.insert(it == f.end() ? QStringLiteral("(unset)") : it->second);
        }
        (values.size() > 1 ? differing : same) << key;
    }
    differing_ = differing;
    const QStringList rows = differing + same;
    clear();
    setColumnCount(int(runs.size()));
    setRowCount(int(rows.size()));
    QStringList headers;
    for (const auto& r : runs)
        headers << QStringLiteral("#%1 %2").arg(r.id).arg(QString::fromStdString(r.name));
    setHorizontalHeaderLabels(headers);
    setVerticalHeaderLabels(rows);
    const QColor highlight = palette().color(QPalette::Highlight).lighter(170);
    for (int row = 0; row < rows.size(); ++row) {
        const bool differs = row < differing.size();
        for (size_t col = 0; col < runs.size(); ++col) {
            const auto it = flat[col].find(rows[row]);
            auto* item = new QTableWidgetItem(it == flat[col].end() ? tr("(unset)") : it->second);
            item->setToolTip(item->text());
            item->setData(kDiffRole, differs);
            if (differs) {
                item->setBackground(highlight);
                auto font = item->font();
                font.setBold(true);
                item->setFont(font);
            }
            setItem(row, int(col), item);
        }
    }
}
