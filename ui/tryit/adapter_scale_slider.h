#pragma once
// The adapter-scale slider of the Try-it page: a multiplier on the adapter's LoRA scaling s = alpha / r at
// generation time, from 0 (the base model) through 1 (as trained) to 2. Remembered across restarts.
#include <QWidget>

class QLabel;
class QSlider;

class AdapterScaleSlider final : public QWidget {
    Q_OBJECT
public:
    explicit AdapterScaleSlider(QWidget* parent = nullptr);

    double value() const;       // 0 ... 2 in steps of 0.05
    void setValue(double scale);

Q_SIGNALS:
    void valueChanged(double scale);

private:
    QSlider* slider_;
    QLabel* label_;
};
