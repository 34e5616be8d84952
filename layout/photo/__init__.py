"""Photos: probing, orientation, focal crop, resampling, ICC conversion to newsprint CMYK, ink limit."""
