#pragma once
// The lesson of the Adapter page: one weight matrix W (d × k) and the two small matrices LoRA trains instead
// of it, B (d × r) and A (r × k), drawn to scale with the module's real sizes, and what that saves.
#include <QWidget>

#include <cstdint>

class FactorizationView final : public QWidget {
    Q_OBJECT
public:
    explicit FactorizationView(QWidget* parent = nullptr);

    struct Module {
        QString name;        // full HF name
        int64_t d = 0;       // output features: rows of W
        int64_t k = 0;       // input features: columns of W
        int r = 0;           // the rank this module gets (its own, or the default)
        bool adapted = false;  // false: shown as it would be if ticked
        double scaling = 0;    // alpha / r, or alpha / sqrt(r) with rsLoRA
        bool rslora = false;
    };
    void setModule(const Module& module);
    void clearModule(const QString& why);
    bool hasModule() const { return has_; }
    const Module& module() const { return module_; }

    int64_t fullParameters() const { return module_.d * module_.k; }           // d·k
    int64_t loraParameters() const { return (module_.d + module_.k) * module_.r; }  // (d + k)·r
    QStringList explanation() const;  // the sentences under the picture, also the accessible description

    QSize sizeHint() const override { return {560, 300}; }
    QSize minimumSizeHint() const override { return {360, 220}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    Module module_;
    bool has_ = false;
    QString placeholder_;
};
