ªçÕò4
Inputs/Pressure
 
i333333@
Inputs/Temperature Pôÿÿÿ
Outputs/Running p
Mode zAUTO
Strokes Xÿÿÿÿÿÿÿÿÿ
Setpoint